// Intake under fuzzing (issue 21 §8): agents publish every `up/` type with the values that pass a
// schema but once broke the writes (NUL, lone surrogates, deep nesting in the open maps), junk,
// truncated and oversized payloads, and commands that do not exist, flooding without waiting.
// After each round one marker event per agent is waited for (each agent's messages are handled
// in order, so its receipt means the round is done); then the core's memory is read after a full
// collection (started with --expose-gc) and from /proc. A core that keeps something per message
// grows round after round; a bounded one levels off.
//
//   npm run bench intake-fuzz            (BENCH_ROUNDS, BENCH_AGENTS, BENCH_MESSAGES per agent
//                                         and round, BENCH_DEEP_KIB: size of the deep payloads)
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import type { MqttClient } from 'mqtt';
import { MAX_PAYLOAD_BYTES, type UpType, upTopic } from '../../broker/protocol/index.js';
import { type AgentIdentity, envelope, registerSimAgent } from '../helpers/sim-agent.js';
import { type BenchDatabase, benchDatabases, connectListening, pool, startBenchCore } from './lib.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const AGENTS = Number(process.env.BENCH_AGENTS ?? 10);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 200);
const DEEP_BYTES = Number(process.env.BENCH_DEEP_KIB ?? 256) * 1024;

/** A small deterministic generator, so a run can be repeated message for message. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const EDGES = ['\u0000', '\ud800', '\udfff', 'a\u0000b', 'x\ud83dy', '\ufffe', '\u001b[31m', 'é'];

/** Nested arrays `[[[...]]]` filling about `bytes` of JSON text. */
const deep = (bytes: number) => '['.repeat(bytes / 2) + ']'.repeat(bytes / 2);

function fuzzed(random: () => number, type: UpType, commandId: string): string | Buffer {
  const edge = () => EDGES[Math.floor(random() * EDGES.length)]!;
  const now = new Date().toISOString();
  const meta = () => ({ [`k${edge()}`]: edge(), list: [edge(), { nested: edge() }] });
  const shapes: Record<UpType, () => unknown> = {
    hello: () => ({
      ...envelope(),
      agentVersion: `1${edge()}`,
      os: { id: 'debian', name: `Debian${edge()}`, version: edge(), kernel: edge() },
      arch: `x86${edge()}`,
      hostname: `h${edge()}`,
      capabilities: [{ name: 'apt', version: `1${edge()}`, kind: 'package-manager' }],
    }),
    scan: () => ({
      ...envelope(),
      batchId: randomUUID(),
      plugin: 'apt',
      complete: random() < 0.5,
      startedAt: now,
      finishedAt: now,
      packages: Array.from({ length: 1 + Math.floor(random() * 20) }, (_, i) => ({
        plugin: 'apt',
        name: `p${i}${edge()}`,
        currentVersion: edge(),
        availableVersion: `2${edge()}`,
        severity: 'low',
        source: edge(),
        security: false,
        metadata: meta(),
      })),
    }),
    progress: () => ({
      ...envelope(),
      commandId: random() < 0.5 ? commandId : randomUUID(),
      seq: Math.floor(random() * 1000),
      stream: 'stdout',
      line: `line${edge()}`,
    }),
    result: () => ({
      ...envelope(),
      commandId: random() < 0.5 ? commandId : randomUUID(),
      status: 'failed',
      startedAt: now,
      finishedAt: now,
      error: `e${edge()}`,
      output: `o${edge()}`,
      data: meta(),
    }),
    ack: () => ({ ...envelope(), commandId: randomUUID(), accepted: true }),
    event: () => ({ ...envelope(), type: 'fuzz', severity: 'info', message: `m${edge()}`, metadata: meta() }),
    metrics: () => ({
      ...envelope(),
      uptimeSec: random() * 1e6,
      load: [0, 0, 0],
      memory: { totalBytes: 1, availableBytes: 1 },
      disks: [{ mount: `/${edge()}`, totalBytes: 1, freeBytes: 1 }],
    }),
  };
  const roll = random();
  if (roll < 0.6) return JSON.stringify(shapes[type]());
  if (roll < 0.65) {
    // Deep nesting in an open map (or where none is allowed), as large as the type permits.
    const bytes = Math.min(DEEP_BYTES, MAX_PAYLOAD_BYTES[type] - 512);
    const base = JSON.stringify(shapes[type]()).slice(0, -1);
    return `${base},"metadata":${deep(bytes)}}`;
  }
  if (roll < 0.8) return Buffer.from(Array.from({ length: 64 }, () => Math.floor(random() * 256)));
  if (roll < 0.85) return Buffer.alloc(MAX_PAYLOAD_BYTES[type] + 1, 0x20);
  if (roll < 0.95) return JSON.stringify({ ...(shapes[type]() as object), [`extra${edge()}`]: edge() });
  return JSON.stringify(shapes[type]()).slice(0, -3);
}

function readProc(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
  return { rss: kib('VmRSS') * 1024, peak: kib('VmHWM') * 1024 };
}

const MiB = (n: number) => `${(n / 1048576).toFixed(0)} MiB`;

async function measure(database: BenchDatabase) {
  const core = await startBenchCore(database.env, ['--expose-gc']);
  const clients: MqttClient[] = [];
  try {
    const { token } = await core.admin<{ token: string }>('POST', '/v1/tokens', {
      label: 'fuzz',
      seats: AGENTS,
      expires: '1d',
    });
    const identities = await pool(Array.from({ length: AGENTS }), 4, async () => {
      const r = await registerSimAgent(core.httpUrl, token);
      if (!r.identity) throw new Error(`registration failed: ${JSON.stringify(r.body)}`);
      return r.identity;
    });
    const commandIds = await pool(identities, 4, async (identity) => {
      const command = await core.admin<{ id: string }>('POST', `/v1/agents/${identity.agentId}/commands`, {
        type: 'scan',
        params: { plugin: 'apt' },
      });
      return command.id;
    });
    const memory = async () => {
      const { memory } = await core.admin<{ memory: NodeJS.MemoryUsage }>('POST', '/v1/memory');
      return { ...memory, ...readProc(core.pid) };
    };
    const print = (label: string, m: Awaited<ReturnType<typeof memory>>) =>
      console.log(
        `  ${label.padEnd(10)} heap after GC ${MiB(m.heapUsed).padStart(8)}   external ${MiB(m.external).padStart(8)}` +
          `   RSS ${MiB(m.rss).padStart(8)}   peak RSS ${MiB(m.peak).padStart(8)}`,
      );
    print('start', await memory());
    // The peak of the start-up (migrations) is not the fuzzing's: from here on (Linux clear_refs).
    writeFileSync(`/proc/${core.pid}/clear_refs`, '5');
    const types: UpType[] = ['hello', 'scan', 'progress', 'result', 'ack', 'event', 'metrics'];
    for (let round = 1; round <= ROUNDS; round++) {
      // New connections each round: a fuzzer reconnects, and so do real agents.
      await Promise.all(clients.splice(0).map((c) => c.endAsync(true).catch(() => {})));
      const listeners = await connectListening(core.mqttUrl, identities, clients);
      const t0 = performance.now();
      await Promise.all(
        identities.map(async (identity: AgentIdentity, a) => {
          const random = prng(round * 1000 + a);
          const client = clients[a]!;
          for (let i = 0; i < MESSAGES; i++) {
            const type = types[Math.floor(random() * types.length)]!;
            client.publish(
              upTopic(identity.topicPrefix, identity.agentId, type),
              fuzzed(random, type, commandIds[a]!),
              { qos: 1 },
            );
          }
          const marker = { ...envelope(), type: 'fuzz.marker', severity: 'info', message: 'round done' };
          client.publish(upTopic(identity.topicPrefix, identity.agentId, 'event'), JSON.stringify(marker), {
            qos: 1,
          });
          await listeners[a]!.waitFor((m) => m.type === 'receipt' && m.payload.ackOf === marker.id, 600_000);
        }),
      );
      print(`round ${round}`, await memory());
      console.log(
        `             ${AGENTS * MESSAGES} messages handled in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
      );
    }
  } finally {
    await Promise.all(clients.map((c) => c.endAsync(true).catch(() => {})));
    await core.stop();
    await database.cleanup();
  }
}

export async function run() {
  console.log(
    `${AGENTS} agents × ${MESSAGES} fuzzed messages per round, ${ROUNDS} rounds, deep payloads up to ${DEEP_BYTES / 1024} KiB`,
  );
  for (const database of benchDatabases()) {
    console.log(`${database.name}:`);
    await measure(database);
  }
}
