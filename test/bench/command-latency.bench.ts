// Command delivery latency (issue 3): from the management API call that creates a command to
// its arrival at the agent, with 1,000 enrolled agents connected. Reference: one MQTT publish
// from a client to another through a bare aedes broker, measured in the same run.
// Target: p99 under 10 ms on a 2-core machine.
// The commands go to the first BENCH_MEASURED agents, in turn, which live in this process; the
// others stay connected from a process of their own (idle-agents.ts), so the pauses of a
// process holding a thousand MQTT clients are not counted as the core's.
import type { MqttClient } from 'mqtt';
import mqtt from 'mqtt';
import { registerSimAgent } from '../helpers/sim-agent.js';
import {
  type BenchDatabase,
  benchDatabases,
  connectListening,
  percentile,
  pool,
  startBareAedes,
  startBenchCore,
} from './lib.js';
import { startIdleAgents } from './idle-agents.js';
import { benchPauses } from './where-time-went.js';

const AGENTS = Number(process.env.BENCH_AGENTS ?? 1000);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 1000);
const MEASURED = Math.min(AGENTS, Number(process.env.BENCH_MEASURED ?? 50));

async function referenceLatencies(): Promise<number[]> {
  const bare = await startBareAedes();
  const a = await mqtt.connectAsync(bare.url, { clientId: 'ref-a' });
  const b = await mqtt.connectAsync(bare.url, { clientId: 'ref-b' });
  await b.subscribeAsync('ref/#', { qos: 1 });
  const samples: number[] = [];
  let resolveArrival: (() => void) | null = null;
  b.on('message', () => resolveArrival?.());
  for (let i = 0; i < SAMPLES; i++) {
    const arrived = new Promise<void>((r) => (resolveArrival = r));
    const t0 = performance.now();
    await a.publishAsync(`ref/${i}`, JSON.stringify({ i, pad: 'x'.repeat(400) }), { qos: 1 });
    await arrived;
    samples.push(performance.now() - t0);
  }
  await a.endAsync();
  await b.endAsync();
  await bare.stop();
  return samples;
}

export async function run() {
  const reference = await referenceLatencies();
  const r50 = percentile(reference, 50);
  const r99 = percentile(reference, 99);
  console.log(`reference: bare aedes publish→delivery   p50 ${r50.toFixed(2)} ms  p99 ${r99.toFixed(2)} ms`);
  for (const database of benchDatabases()) await measure(database, r50, r99);
}

async function measure(database: BenchDatabase, r50: number, r99: number) {
  const core = await startBenchCore(database.env);
  const clients: MqttClient[] = [];
  let idle: Awaited<ReturnType<typeof startIdleAgents>> | undefined;
  try {
    const { token } = await core.admin<{ token: string }>('POST', '/v1/tokens', {
      label: 'bench',
      seats: AGENTS,
      expires: '1d',
    });
    const t0 = performance.now();
    const identities = await pool(Array.from({ length: AGENTS }), 8, async () => {
      const r = await registerSimAgent(core.httpUrl, token);
      if (!r.identity) throw new Error(`registration failed: ${JSON.stringify(r.body)}`);
      return r.identity;
    });
    console.log(
      `${database.name}: registered ${AGENTS} agents in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    idle = await startIdleAgents(core.mqttUrl, identities.slice(MEASURED));
    const measured = identities.slice(0, MEASURED);
    const listeners = await connectListening(core.mqttUrl, measured, clients);
    console.log(
      `${idle.connected + listeners.length} agents connected and listening (${listeners.length} timed here, ` +
        `${idle.connected} in a process of their own)`,
    );

    const samples: number[] = [];
    const spans: Array<[number, number]> = [];
    // The timed agents live in this process: its own pauses are part of what it measures.
    const pauses = benchPauses();
    for (let i = 0; i < SAMPLES; i++) {
      const k = i % MEASURED;
      const start = performance.now();
      const command = await core.admin<{ id: string }>(
        'POST',
        `/v1/agents/${measured[k]!.agentId}/commands`,
        {
          type: 'scan',
          params: { plugin: 'apt', i },
        },
      );
      const got = await listeners[k]!.waitFor(
        (m) => m.type === 'command' && m.payload.id === command.id,
        10000,
      );
      samples.push(got.at - start);
      spans.push([start, got.at]);
    }
    const slowest = [...spans].sort((a, b) => b[1] - b[0] - (a[1] - a[0])).slice(0, 20);
    console.log(`  the bench process (${MEASURED} simulated agents) meanwhile: ${pauses.stop(slowest)}`);
    const p50 = percentile(samples, 50);
    const p99 = percentile(samples, 99);
    console.log(
      `RedFlag on ${database.name}: API call → signed command at agent  p50 ${p50.toFixed(2)} ms  p99 ${p99.toFixed(2)} ms  ` +
        `(ratio p50 ${(p50 / r50).toFixed(1)}x, p99 ${(p99 / r99).toFixed(1)}x; target p99 < 10 ms: ${p99 < 10 ? 'met' : 'NOT met'})`,
    );
  } finally {
    await Promise.all(clients.map((c) => c.endAsync(true).catch(() => {})));
    await idle?.stop();
    await core.stop();
    await database.cleanup();
  }
}
