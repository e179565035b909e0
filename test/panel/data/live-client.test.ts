import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import {
  type LiveEvent,
  LiveClient,
  type LiveState,
  type SocketLike,
} from '../../../panel/src/data/live-client.js';

/** Resolves when `check` holds for the store's value (checked on every change). */
function until(client: LiveClient, check: (s: LiveState) => boolean): Promise<LiveState> {
  return new Promise((resolve) => {
    if (check(client.state.value)) return resolve(client.state.value);
    const off = client.state.subscribe((s) => {
      if (check(s)) {
        off();
        resolve(s);
      }
    });
  });
}

describe('panel data: the live client', () => {
  let server: WebSocketServer;
  let requests: string[];
  let client: LiveClient;
  let url: string;

  beforeEach(async () => {
    requests = [];
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/prefix/api/v1/live`;
    server.on('connection', (_socket, req) => requests.push(req.url!));
  });
  afterEach(async () => {
    client?.stop();
    for (const c of server.clients) c.terminate();
    await new Promise((resolve) => server.close(resolve));
  });

  const make = (onReset?: () => void) =>
    new LiveClient({
      url,
      createSocket: (u) => new WebSocket(u) as unknown as SocketLike,
      backoff: { initialMs: 5, maxMs: 20 },
      ...(onReset ? { onReset } : {}),
    });

  it('delivers events, and after a dropped connection resumes with since=<last id>&stream=<stream>', async () => {
    client = make();
    const got: LiveEvent[] = [];
    client.subscribe((m) => got.push(m));
    const connected = new Promise<WebSocket>((resolve) => server.once('connection', resolve));
    client.start();
    const socket = await connected;
    await until(client, (s) => s.connection === 'open');
    assert.equal(requests[0], '/prefix/api/v1/live', 'the first connection asks for no history');
    socket.send(JSON.stringify({ type: 'subscribed', stream: 's1', lastId: 40, replayed: 0 }));
    socket.send(
      JSON.stringify({ type: 'event', id: 41, ts: 't', kind: 'package.status', agentId: 'a', data: {} }),
    );
    socket.send(JSON.stringify({ type: 'heartbeat', lastId: 41 }));
    socket.send(
      JSON.stringify({ type: 'event', id: 42, ts: 't', kind: 'command.output', agentId: 'a', data: {} }),
    );
    await until(client, (s) => s.lastId === '42');
    const reconnected = new Promise<WebSocket>((resolve) => server.once('connection', resolve));
    socket.terminate();
    await until(client, (s) => s.connection === 'reconnecting');
    await reconnected;
    await until(client, (s) => s.connection === 'open');
    assert.equal(requests[1], '/prefix/api/v1/live?since=42&stream=s1');
    assert.deepEqual(
      got.map((m) => [m.id, m.kind]),
      [
        [41, 'package.status'],
        [42, 'command.output'],
      ],
    );
  });

  it('tells its reset listeners when the server cannot resume, and passes no reset on as an event', async () => {
    let resets = 0;
    client = make(() => resets++);
    const got: LiveEvent[] = [];
    client.subscribe((m) => got.push(m));
    const connected = new Promise<WebSocket>((resolve) => server.once('connection', resolve));
    client.start();
    const socket = await connected;
    const reset = new Promise<void>((resolve) => client.onReset(resolve));
    socket.send(
      JSON.stringify({ type: 'reset', reason: 'too_old', stream: 's2', oldestId: 500, lastId: 900 }),
    );
    await reset;
    assert.equal(resets, 1);
    assert.deepEqual(got, []);
    assert.equal(client.state.value.lastId, '900', 'resumes after the reset point next time');
    assert.match(client.socketUrl(), /since=900&stream=s2$/);
  });

  it('keeps trying with backoff while the server is down, counting attempts', async () => {
    await new Promise((resolve) => server.close(resolve));
    for (const c of server.clients) c.terminate();
    client = make();
    client.start();
    const s = await until(client, (st) => st.attempt >= 3);
    assert.equal(s.connection === 'reconnecting' || s.connection === 'connecting', true);
    client.stop();
    assert.equal(client.state.value.connection, 'stopped');
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 }); // for afterEach
    await new Promise((resolve) => server.once('listening', resolve));
  });

  it('makes a ws:// or wss:// URL from the panel-relative http(s) one', () => {
    assert.equal(
      new LiveClient({ url: 'https://ha.lan/api/hassio_ingress/xyz/api/v1/live' }).socketUrl(),
      'wss://ha.lan/api/hassio_ingress/xyz/api/v1/live',
    );
  });
});
