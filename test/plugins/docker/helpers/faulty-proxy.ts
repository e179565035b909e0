import { createServer, request, type Server } from 'node:http';

/** What the proxy does to the next request matching a path: the faults a real proxy or registry shows. */
export type Fault =
  | { kind: '429'; retryAfterSeconds: number }
  | { kind: 'html' }
  | { kind: 'huge'; bytes: number }
  | { kind: 'truncated' };

/**
 * A proxy in front of the real registry that answers some requests wrongly on purpose: a
 * registry's rate limiter, an HTML error page from a captive proxy, a cut or endless body.
 * Everything else goes through to the registry unchanged.
 */
export class FaultyProxy {
  private server: Server | null = null;
  port = 0;
  private readonly faults: { match: RegExp; fault: Fault }[] = [];
  /** Every request that reached the proxy, `METHOD path`. */
  readonly requests: string[] = [];

  constructor(private readonly target: number) {}

  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** The next request whose path matches gets this fault (once). */
  inject(match: RegExp, fault: Fault): void {
    this.faults.push({ match, fault });
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      this.requests.push(`${req.method} ${req.url}`);
      const index = this.faults.findIndex((f) => f.match.test(req.url ?? ''));
      const fault = index >= 0 ? this.faults.splice(index, 1)[0]!.fault : null;
      if (fault?.kind === '429') {
        res.writeHead(429, {
          'retry-after': String(fault.retryAfterSeconds),
          'ratelimit-remaining': '0;w=21600',
        });
        res.end('{"errors":[{"code":"TOOMANYREQUESTS"}]}');
        return;
      }
      if (fault?.kind === 'html') {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(req.method === 'HEAD' ? undefined : '<html><body>Gateway login</body></html>');
        return;
      }
      const upstream = request(
        { host: '127.0.0.1', port: this.target, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          if (fault?.kind === 'huge') {
            res.writeHead(200, { ...answer.headers, 'content-length': String(fault.bytes) });
            answer.resume();
            const chunk = Buffer.alloc(64 * 1024, 0x20);
            let sent = 0;
            const pump = () => {
              while (sent < fault.bytes) {
                sent += chunk.length;
                if (!res.write(chunk)) return void res.once('drain', pump);
              }
              res.end();
            };
            res.on('close', () => (sent = fault.bytes));
            pump();
            return;
          }
          if (fault?.kind === 'truncated') {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            const chunks: Buffer[] = [];
            answer.on('data', (c: Buffer) => chunks.push(c));
            answer.on('end', () => {
              const body = Buffer.concat(chunks);
              // Headers and half the body reach the client, then the connection drops.
              res.flushHeaders();
              res.write(body.subarray(0, Math.floor(body.length / 2)), () =>
                setTimeout(() => res.destroy(), 50),
              );
            });
            return;
          }
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
