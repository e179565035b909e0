// Connect rate and memory (issue 3): 5,000 agents authenticating with Ed25519-signed passwords;
// connects per second and core RSS per connected agent. Reference: the same number of anonymous
// clients connecting to a bare aedes broker in its own process, measured in the same run.
// Targets: at least 1,000 authenticated connects/s and under 40 KiB per connection.
import { randomUUID } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { type AgentIdentity, connectAgent, connectPassword, registerSimAgent } from '../helpers/sim-agent.js';
import { type BenchDatabase, benchDatabases, pool, rssBytes, startBareAedes, startBenchCore } from './lib.js';

const AGENTS = Number(process.env.BENCH_AGENTS ?? 5000);
const CONCURRENCY = 100;

interface Measured {
  perSecond: number;
  bytesPerConnection: number;
}

const settle = () => new Promise((r) => setTimeout(r, 2000));

/**
 * A warm-up round (connect and close a fifth of the clients) first, so the garbage of earlier
 * work is collected before the baseline is read and the difference is the connections' own.
 */
async function connectAll(
  count: number,
  memory: () => Promise<number>,
  connect: (i: number) => Promise<MqttClient>,
  warmedUp: () => void = () => {},
): Promise<Measured & { clients: MqttClient[] }> {
  const warm = await pool(Array.from({ length: Math.ceil(count / 5) }), CONCURRENCY, (_, i) => connect(i));
  await Promise.all(warm.map((c) => c.endAsync(true)));
  warmedUp();
  await settle();
  const before = await memory();
  const t0 = performance.now();
  const clients = await pool(Array.from({ length: count }), CONCURRENCY, (_, i) => connect(i));
  const seconds = (performance.now() - t0) / 1000;
  await settle();
  const after = await memory();
  return { clients, perSecond: count / seconds, bytesPerConnection: (after - before) / count };
}

async function reference(): Promise<Measured> {
  const bare = await startBareAedes();
  try {
    const m = await connectAll(
      AGENTS,
      async () => rssBytes(bare.pid),
      () =>
        mqtt.connectAsync(bare.url, {
          clientId: randomUUID(),
          reconnectPeriod: 0,
          will: { topic: 'presence', payload: Buffer.from('{"v":1,"online":false}'), qos: 1, retain: true },
        }),
    );
    await Promise.all(m.clients.map((c) => c.endAsync(true)));
    return m;
  } finally {
    await bare.stop();
  }
}

/**
 * Agents are enrolled by one core, which then stops; the measured core starts on its data, as
 * after an upgrade or a reboot, and every agent reconnects. Its memory baseline is then free of
 * the enrollment's allocations (5,000 registrations leave tens of MB to the allocator, which
 * returns them while the connections are measured and would make the difference negative).
 */
async function enroll(database: BenchDatabase): Promise<{ dataDir: string; identities: AgentIdentity[] }> {
  const core = await startBenchCore(database.env);
  try {
    const { token } = await core.admin<{ token: string }>('POST', '/v1/tokens', {
      label: 'bench',
      seats: AGENTS,
      expires: '1d',
    });
    const t0 = performance.now();
    const identities: AgentIdentity[] = await pool(Array.from({ length: AGENTS }), 8, async () => {
      const r = await registerSimAgent(core.httpUrl, token);
      if (!r.identity) throw new Error(`registration failed: ${JSON.stringify(r.body)}`);
      return r.identity;
    });
    console.log(
      `${database.name}: registered ${AGENTS} agents in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    return { dataDir: core.dataDir, identities };
  } finally {
    await core.stop({ keepData: true });
  }
}

async function measure(database: BenchDatabase, ref: Measured) {
  const { dataDir, identities } = await enroll(database);
  const core = await startBenchCore(database.env, ['--expose-gc'], dataDir);
  let clients: MqttClient[] = [];
  try {
    // Passwords are signed up front: this measures the core's connect rate, not the signing
    // done by 5,000 simulated agents sharing the benchmark's process.
    const passwords = identities.map((id) => connectPassword(id));
    const warmPasswords = identities.map((id) => connectPassword(id));
    let round = 0;
    // The core's own RSS after a full collection (it runs with --expose-gc here).
    const coreMemory = async () =>
      (await core.admin<{ memory: { rss: number } }>('POST', '/v1/memory')).memory.rss;
    const m = await connectAll(
      AGENTS,
      coreMemory,
      (i) => {
        const password = round === 0 && i < AGENTS / 5 ? warmPasswords[i]! : passwords[i]!;
        return connectAgent(core.mqttUrl, identities[i]!, { password });
      },
      () => {
        round = 1;
      },
    );
    clients = m.clients;
    console.log(
      `RedFlag on ${database.name}: ${m.perSecond.toFixed(0)} authenticated connects/s ` +
        `(${(m.perSecond / ref.perSecond).toFixed(2)}x bare aedes; target ≥ 1000: ${m.perSecond >= 1000 ? 'met' : 'NOT met'}), ` +
        `${(m.bytesPerConnection / 1024).toFixed(1)} KiB RSS per connection ` +
        `(${(m.bytesPerConnection / ref.bytesPerConnection).toFixed(2)}x bare aedes; target < 40 KiB: ${m.bytesPerConnection < 40 * 1024 ? 'met' : 'NOT met'})`,
    );
  } finally {
    await Promise.all(clients.map((c) => c.endAsync(true).catch(() => {})));
    await core.stop();
    await database.cleanup();
  }
}

export async function run() {
  const ref = await reference();
  console.log(
    `reference: bare aedes, ${AGENTS} anonymous clients: ${ref.perSecond.toFixed(0)} connects/s, ` +
      `${(ref.bytesPerConnection / 1024).toFixed(1)} KiB RSS per connection`,
  );
  for (const database of benchDatabases()) await measure(database, ref);
}
