import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { LiveClient, type SocketLike } from '../../../panel/src/data/live-client.js';

/**
 * A real LiveClient connected over a real WebSocket to a small server the test speaks for:
 * `event()` and `reset()` send what GET /api/v1/live would.
 */
export interface LiveHarness {
  client: LiveClient;
  event(kind: string, agentId: string | null, data: Record<string, unknown>): void;
  reset(): void;
  /** Resolves once every message sent before it has reached the client's listeners. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

export async function openLiveHarness(): Promise<LiveHarness> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/live`;
  const connected = new Promise<WebSocket>((resolve) => server.once('connection', resolve));
  const client = new LiveClient({
    url,
    createSocket: (u) => new WebSocket(u) as unknown as SocketLike,
    backoff: { initialMs: 5, maxMs: 20 },
  });
  client.start();
  const socket = await connected;
  await new Promise<void>((resolve) => {
    if (client.state.value.connection === 'open') return resolve();
    const off = client.state.subscribe((s) => {
      if (s.connection === 'open') {
        off();
        resolve();
      }
    });
  });
  socket.send(JSON.stringify({ type: 'subscribed', stream: 's1', lastId: 0, replayed: 0 }));
  let id = 0;
  // A marker event after the others: the socket keeps order, so when it arrives they have.
  let marker = 0;
  const markers = new Map<string, () => void>();
  client.subscribe((event) => {
    // The marker is the test's own kind, not one of the core's: read it as plain JSON.
    const e = event as unknown as { kind: string; data: { marker?: unknown } };
    if (e.kind !== 'test.marker') return;
    markers.get(String(e.data.marker))?.();
  });
  return {
    client,
    event(kind, agentId, data) {
      socket.send(
        JSON.stringify({ type: 'event', id: ++id, ts: new Date().toISOString(), kind, agentId, data }),
      );
    },
    reset() {
      socket.send(
        JSON.stringify({ type: 'reset', reason: 'too_old', stream: 's1', oldestId: id, lastId: id }),
      );
    },
    settled() {
      const m = String(++marker);
      return new Promise<void>((resolve) => {
        markers.set(m, () => {
          markers.delete(m);
          resolve();
        });
        socket.send(
          JSON.stringify({
            type: 'event',
            id: ++id,
            ts: new Date().toISOString(),
            kind: 'test.marker',
            agentId: null,
            data: { marker: m },
          }),
        );
      });
    },
    async close() {
      client.stop();
      for (const c of server.clients) c.terminate();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
