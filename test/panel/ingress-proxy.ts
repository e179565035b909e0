import { createServer, type IncomingHttpHeaders, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for Home Assistant's ingress proxy (the Supervisor, REFERENCES.md "Home Assistant"):
 * serves the add-on under `/api/hassio_ingress/<token>/`, strips that prefix, names it in
 * X-Ingress-Path and the signed-in HA user in X-Remote-User-*, sets X-Forwarded-Host to the
 * browser's host, and passes WebSockets through. Anything outside the prefix is a 404 here, so
 * a panel URL that forgets the prefix shows up as a failed request. It also plays Home Assistant's
 * own page for the add-on's panel, `/hassio/ingress/<slug>`, which only frames the ingress root.
 */
export interface IngressProxy {
  /** The panel's address through the proxy: http://127.0.0.1:<port>/api/hassio_ingress/<token>/ */
  url: string;
  prefix: string;
  /** Every path the browser asked for (with the prefix, as it sent them). */
  seen: string[];
  close(): Promise<void>;
}

export interface HaUser {
  id: string;
  name: string;
  displayName: string;
}

export async function startIngressProxy(
  upstream: { host: string; port: number },
  user: HaUser,
  token = 'abc123',
): Promise<IngressProxy> {
  const prefix = `/api/hassio_ingress/${token}`;
  const seen: string[] = [];
  const strip = (url: string | undefined) =>
    url?.startsWith(`${prefix}/`) ? url.slice(prefix.length) : null;
  const forwarded = (headers: IncomingHttpHeaders): IncomingHttpHeaders => ({
    ...headers,
    host: `${upstream.host}:${upstream.port}`,
    'x-forwarded-host': headers.host,
    'x-ingress-path': prefix,
    'x-remote-user-id': user.id,
    'x-remote-user-name': user.name,
    'x-remote-user-display-name': user.displayName,
  });

  const server: Server = createServer((req, res) => {
    // Home Assistant's own page for an add-on's panel (its frontend's hassio-ingress-view): an
    // iframe of the add-on's ingress root, whatever the page's own address carries.
    if (req.url?.startsWith('/hassio/ingress/')) {
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(
          `<!doctype html><title>Home Assistant</title><link rel="icon" href="data:,"><iframe title="RedFlag" src="${prefix}/"></iframe>`,
        );
      return;
    }
    seen.push(req.url ?? '');
    const path = strip(req.url);
    if (path === null) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not under the ingress prefix');
      return;
    }
    const up = request(
      { ...upstream, path, method: req.method, headers: forwarded(req.headers) },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    up.on('error', () => res.writeHead(502).end());
    req.pipe(up);
  });

  server.on('upgrade', (req, socket, head) => {
    seen.push(req.url ?? '');
    const path = strip(req.url);
    if (path === null) return void socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
    const up = request({ ...upstream, path, method: req.method, headers: forwarded(req.headers) });
    up.on('upgrade', (answer, upSocket, upHead) => {
      const lines = [`HTTP/1.1 101 ${answer.statusMessage ?? 'Switching Protocols'}`];
      for (let i = 0; i < answer.rawHeaders.length; i += 2)
        lines.push(`${answer.rawHeaders[i]}: ${answer.rawHeaders[i + 1]}`);
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (upHead.length) socket.write(upHead);
      if (head.length) upSocket.write(head);
      upSocket.pipe(socket).pipe(upSocket);
      socket.on('error', () => upSocket.destroy());
      upSocket.on('error', () => socket.destroy());
    });
    up.on('response', (answer) => {
      socket.end(`HTTP/1.1 ${answer.statusCode} ${answer.statusMessage}\r\nconnection: close\r\n\r\n`);
    });
    up.on('error', () => socket.destroy());
    up.end();
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${prefix}/`,
    prefix,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
