import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import type { Aedes } from 'aedes';
import { createWebSocketStream, WebSocketServer } from 'ws';

export interface ListenerOptions {
  host: string;
  port: number;
  tls?: { port: number; cert: string; key: string } | null;
  websocket?: { port: number } | null;
}

export interface Listeners {
  ports: { tcp: number; tls: number | null; websocket: number | null };
  close(): Promise<void>;
}

/**
 * TCP always, TLS and WebSocket when configured. Every socket gets TCP_NODELAY: without it a
 * QoS 1 round trip waits ~40 ms for Nagle and delayed ACKs (REFERENCES.md measured ~88 ms).
 */
export async function startListeners(broker: Aedes, opts: ListenerOptions): Promise<Listeners> {
  const servers: Array<TcpServer | HttpServer> = [];
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };

  const tcp = createTcpServer((socket) => {
    track(socket);
    broker.handle(socket);
  });
  await listen(tcp, opts.host, opts.port);
  servers.push(tcp);

  let tlsPort: number | null = null;
  if (opts.tls) {
    const tls = createTlsServer(
      { cert: readFileSync(opts.tls.cert), key: readFileSync(opts.tls.key) },
      (socket: TLSSocket) => {
        track(socket);
        broker.handle(socket);
      },
    );
    await listen(tls, opts.host, opts.tls.port);
    servers.push(tls);
    tlsPort = portOf(tls);
  }

  let wsPort: number | null = null;
  let wss: WebSocketServer | null = null;
  if (opts.websocket) {
    const http = createHttpServer();
    http.on('connection', track);
    wss = new WebSocketServer({ server: http });
    wss.on('connection', (ws, req) => broker.handle(createWebSocketStream(ws), req));
    await listen(http, opts.host, opts.websocket.port);
    servers.push(http);
    wsPort = portOf(http);
  }

  return {
    ports: { tcp: portOf(tcp), tls: tlsPort, websocket: wsPort },
    async close() {
      wss?.close();
      for (const socket of sockets) socket.destroy();
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };
}

function listen(server: TcpServer | HttpServer, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function portOf(server: TcpServer | HttpServer): number {
  return (server.address() as { port: number }).port;
}
