// Live stream fan-out (issue 5 §3): bus events to many WebSocket clients of GET /api/v1/live,
// deliveries per second, against a bare `ws` server broadcasting the same messages to the same
// number of clients in the same run (the limit of the transport on this machine).
// BENCH_CLIENTS (default 200) and BENCH_EVENTS (default 2,000) scale it.
import { WebSocket, WebSocketServer } from 'ws';
import { createTestToken } from '../core/api/api-client.js';
import { freePort } from '../helpers/cli.js';
import { startTestCore } from '../helpers/core.js';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 200);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 2000);

/** Opens `CLIENTS` sockets; resolves with a promise that settles once each has seen `EVENTS` events. */
async function clients(url: string, headers: Record<string, string>, isEvent: (text: string) => boolean) {
  const sockets: WebSocket[] = [];
  const done: Array<Promise<void>> = [];
  for (let i = 0; i < CLIENTS; i++) {
    const socket = new WebSocket(url, { headers });
    let seen = 0;
    done.push(
      new Promise((resolve, reject) => {
        socket.on('message', (data) => {
          if (isEvent(data.toString()) && ++seen === EVENTS) resolve();
        });
        socket.on('close', () =>
          seen < EVENTS ? reject(new Error(`closed after ${seen} events`)) : undefined,
        );
      }),
    );
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    sockets.push(socket);
  }
  return { sockets, allSeen: () => Promise.all(done) };
}

const event = (i: number) => ({
  id: i,
  ts: new Date().toISOString(),
  kind: 'command.output',
  agentId: '4b0c7a52-6a43-4a55-9d1e-5b3c2d1e0f00',
  data: {
    commandId: '77a1c0de-0000-4000-8000-000000000001',
    lines: [{ seq: i, stream: 'stdout', line: `Unpacking libfoo${i} (1.2.3-4) over (1.2.3-3) ...`, ts: '' }],
  },
});

async function reference(): Promise<number> {
  const port = await freePort();
  const server = new WebSocketServer({ host: '127.0.0.1', port });
  await new Promise((resolve) => server.once('listening', resolve));
  const { sockets, allSeen } = await clients(`ws://127.0.0.1:${port}`, {}, () => true);
  const start = performance.now();
  for (let i = 1; i <= EVENTS; i++) {
    const text = JSON.stringify({ type: 'event', ...event(i) });
    for (const client of server.clients) client.send(text);
  }
  await allSeen();
  const seconds = (performance.now() - start) / 1000;
  for (const s of sockets) s.close();
  await new Promise((resolve) => server.close(resolve));
  return (CLIENTS * EVENTS) / seconds;
}

async function redflag(): Promise<number> {
  const core = await startTestCore('PGlite', (config) => {
    config.live.bufferSize = EVENTS * 2;
    config.live.maxQueuedKiB = 65536;
  });
  try {
    const { token } = await createTestToken(core, 'viewer');
    const { sockets, allSeen } = await clients(
      `${core.httpUrl.replace(/^http/, 'ws')}/api/v1/live`,
      { authorization: `Bearer ${token}` },
      (text) => text.startsWith('{"type":"event"'),
    );
    const start = performance.now();
    for (let i = 1; i <= EVENTS; i++) {
      const { data, agentId } = event(i);
      core.live.emit('command.output', agentId, data);
    }
    await allSeen();
    const seconds = (performance.now() - start) / 1000;
    for (const s of sockets) s.close();
    return (CLIENTS * EVENTS) / seconds;
  } finally {
    await core.close();
  }
}

export async function run() {
  // Interleaved, best of two each: the machine is shared.
  const bare = [await reference()];
  const ours = [await redflag()];
  bare.push(await reference());
  ours.push(await redflag());
  const b = Math.max(...bare);
  const r = Math.max(...ours);
  console.log(`${CLIENTS} clients × ${EVENTS} events`);
  console.log(`bare ws broadcast:      ${Math.round(b).toLocaleString('en')} deliveries/s`);
  console.log(`RedFlag /api/v1/live:   ${Math.round(r).toLocaleString('en')} deliveries/s`);
  console.log(`ratio RedFlag / bare:   ${(r / b).toFixed(2)}`);
}
