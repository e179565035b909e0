import { createReadStream, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';

/** A request the mirror holds unanswered, as a stalled mirror would. */
export interface HeldRequest {
  path: string;
  /** Resolves when the client's connection closes: apt's http method was stopped. */
  closed: Promise<void>;
}

interface Stall {
  pattern: RegExp;
  first: Promise<HeldRequest>;
  arrived(held: HeldRequest): void;
  held: ServerResponse[];
}

/**
 * A local APT mirror over HTTP serving a LocalRepo's pool, where a test can make some requests
 * stall (never answered) until it releases them: a slow or hung mirror, so apt-get really sits
 * in its http method, deterministically, until something stops it.
 */
export class SlowMirror {
  private readonly stalls: Stall[] = [];

  private constructor(
    private readonly server: Server,
    private readonly dir: string,
  ) {}

  static async serve(dir: string): Promise<SlowMirror> {
    let mirror: SlowMirror | null = null;
    const server = createServer((req, res) => mirror!.handle(req, res));
    mirror = new SlowMirror(server, dir);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return mirror;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  /** A sources list naming this mirror, written into `dir`; its path for LocalRepo.aptOptions. */
  sourcesList(dir: string): string {
    const path = join(dir, 'mirror.list');
    writeFileSync(path, `deb [trusted=yes] ${this.url} ./\n`);
    return path;
  }

  /** From now on requests whose path matches are held; `first` resolves when one arrives. */
  stall(pattern: RegExp): { first: Promise<HeldRequest>; release(): void } {
    let arrived!: (held: HeldRequest) => void;
    const first = new Promise<HeldRequest>((resolve) => (arrived = resolve));
    const stall: Stall = { pattern, first, arrived, held: [] };
    this.stalls.push(stall);
    return {
      first,
      release: () => {
        this.stalls.splice(this.stalls.indexOf(stall), 1);
        for (const res of stall.held) if (!res.writableEnded) res.writeHead(503).end();
      },
    };
  }

  async close(): Promise<void> {
    for (const stall of this.stalls.splice(0)) for (const res of stall.held) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = decodeURIComponent(new URL(req.url ?? '/', this.url).pathname);
    const stall = this.stalls.find((s) => s.pattern.test(path));
    if (stall) {
      stall.held.push(res);
      const closed = new Promise<void>((resolve) => req.socket.once('close', () => resolve()));
      stall.arrived({ path, closed });
      return;
    }
    const file = join(this.dir, normalize(path).replace(/^(\.\.[/\\])+/, ''));
    let size: number;
    try {
      const stat = statSync(file);
      if (!stat.isFile()) throw new Error('not a file');
      size = stat.size;
    } catch {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-length': String(size) });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  }
}
