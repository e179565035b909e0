// Memory (issue 26): the resident memory of the built core (`npm run build`, run as the add-on
// runs it: `node dist/core/cli.js serve`), beside a bare `node` process measured in the same run.
// For each database (PGlite always, PostgreSQL when REDFLAG_BENCH_PG_URL or REDFLAG_TEST_PG_URL
// names one): the peak while a new database is initialised (PGlite's initdb, the migrations),
// the steady RSS idle, and the steady and peak RSS after BENCH_MEMORY_MINUTES (10) with
// BENCH_MEMORY_AGENTS (50) agents connected and reporting.
// Targets: idle under 200 MB on PGlite and 120 MB on PostgreSQL; first start under 400 MB.
// Smoke run: BENCH_MEMORY_MINUTES=0.5 npm run bench memory.
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { MqttClient } from 'mqtt';
import { upTopic } from '../../broker/protocol/index.js';
import {
  type AgentIdentity,
  connectAgent,
  envelope,
  helloMessage,
  listenDown,
  registerSimAgent,
  scanPackage,
} from '../helpers/sim-agent.js';
import { type BenchDatabase, benchDatabases, percentile, pool, startBenchCore } from './lib.js';

const MINUTES = Number(process.env.BENCH_MEMORY_MINUTES ?? 10);
const AGENTS = Number(process.env.BENCH_MEMORY_AGENTS ?? 50);
/** How long a process is left alone after it is ready before its idle RSS is sampled. */
const SETTLE_SECONDS = Number(process.env.BENCH_MEMORY_SETTLE_SECONDS ?? 20);
const PACKAGES_PER_SCAN = 300;
const ROOT = new URL('../../', import.meta.url).pathname;
const BUILT_CORE = `${ROOT}dist/core/cli.js`;
const MB = 1024 * 1024;

/** VmRSS and VmHWM (the peak RSS since the process started) from /proc, in bytes. */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The median of `count` RSS samples a second apart: one sample can catch a GC half done. */
async function steadyRss(pid: number, count = 10): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    samples.push(memoryOf(pid).rss);
    await sleep(1000);
  }
  return percentile(samples, 50);
}

const mb = (bytes: number) => `${(bytes / MB).toFixed(0)} MB`;

/** The bare reference: `node -e` keeping its event loop alive, measured as the core is. */
async function bareNode(): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  try {
    await sleep(SETTLE_SECONDS * 100); // nothing to settle beyond start-up
    return await steadyRss(child.pid!, 5);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

/** `npm run build` into dist/: the bench measures what the add-on runs, built from these sources. */
function build() {
  if (process.env.BENCH_MEMORY_NO_BUILD && existsSync(BUILT_CORE)) return;
  const built = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (built.status !== 0) throw new Error('npm run build failed');
}

/** A simulated agent's life: hello and a scan on connect, metrics every minute, a scan every 5. */
async function agentLife(mqttUrl: string, identity: AgentIdentity, clients: MqttClient[]) {
  const client = await connectAgent(mqttUrl, identity, { will: false });
  clients.push(client);
  const down = await listenDown(client, identity);
  const publish = (type: 'hello' | 'scan' | 'metrics', message: object) =>
    client.publishAsync(upTopic(identity.topicPrefix, identity.agentId, type), JSON.stringify(message), {
      qos: 1,
    });
  const scan = async (round: number) => {
    const now = new Date().toISOString();
    const message = {
      ...envelope(),
      batchId: randomUUID(),
      plugin: 'apt',
      complete: true,
      startedAt: now,
      finishedAt: now,
      packages: Array.from({ length: PACKAGES_PER_SCAN }, (_, i) =>
        scanPackage(`package-${i}`, {
          availableVersion: `1.${round}`,
          security: i % 7 === 0,
          severity: i % 7 === 0 ? 'high' : 'unknown',
        }),
      ),
    };
    await publish('scan', message);
    await down.waitFor((m) => m.type === 'receipt' && m.payload.ackOf === message.id, 120_000);
  };
  const metrics = () =>
    publish('metrics', {
      ...envelope(),
      uptimeSec: process.uptime(),
      load: [0.1, 0.1, 0.1],
      memory: { totalBytes: 4 * 1024 * MB, availableBytes: 2 * 1024 * MB },
    });
  await publish('hello', helloMessage());
  await scan(0);
  let round = 0;
  const timers = [
    setInterval(() => void metrics().catch(() => {}), 60_000),
    setInterval(() => void scan(++round).catch(() => {}), 300_000),
  ];
  return () => timers.forEach(clearInterval);
}

interface Figures {
  firstStartPeak: number;
  idle: number;
  loadedSteady: number;
  loadedPeak: number;
}

async function measure(database: BenchDatabase): Promise<Figures> {
  // First start: a new data directory (PGlite's initdb) or an empty schema, then the migrations.
  // VmHWM while the process is still alive is the peak of everything it did until ready.
  const first = await startBenchCore(database.env, [], undefined, BUILT_CORE);
  const firstStartPeak = memoryOf(first.pid).peak;
  await first.stop({ keepData: true });

  // Idle: the same data directory (or schema) again, as every later start of the add-on.
  const core = await startBenchCore(database.env, [], first.dataDir, BUILT_CORE);
  const clients: MqttClient[] = [];
  const stops: Array<() => void> = [];
  try {
    await sleep(SETTLE_SECONDS * 1000);
    const idle = await steadyRss(core.pid);

    const { token } = await core.admin<{ token: string }>('POST', '/v1/tokens', {
      label: 'memory bench',
      seats: AGENTS,
      expires: '1d',
    });
    const identities = await pool(Array.from({ length: AGENTS }), 8, async () => {
      const r = await registerSimAgent(core.httpUrl, token);
      if (!r.identity) throw new Error(`registration failed: ${JSON.stringify(r.body)}`);
      return r.identity;
    });
    stops.push(...(await pool(identities, 10, (identity) => agentLife(core.mqttUrl, identity, clients))));
    // Sampled every 5 s; the steady figure is the median of the last minute (or last fifth).
    const samples: number[] = [];
    const until = Date.now() + MINUTES * 60_000;
    while (Date.now() < until) {
      samples.push(memoryOf(core.pid).rss);
      await sleep(5000);
    }
    samples.push(memoryOf(core.pid).rss);
    const tail = samples.slice(-Math.max(2, Math.min(12, Math.ceil(samples.length / 5))));
    return {
      firstStartPeak,
      idle,
      loadedSteady: percentile(tail, 50),
      loadedPeak: memoryOf(core.pid).peak,
    };
  } finally {
    stops.forEach((stop) => stop());
    await Promise.all(clients.map((c) => c.endAsync(true).catch(() => {})));
    await core.stop();
    await database.cleanup();
  }
}

export async function run() {
  build();
  console.log(
    `built core (node dist/core/cli.js serve); ${AGENTS} agents for ${MINUTES} min ` +
      `(BENCH_MEMORY_AGENTS, BENCH_MEMORY_MINUTES); RSS from /proc/<pid>/status`,
  );
  const bare = await bareNode();
  console.log(`reference: bare node (node -e, idle)            RSS ${mb(bare)}`);
  const ratio = (bytes: number) => `${(bytes / bare).toFixed(1)}x bare node`;
  const targets: Record<string, number> = { PGlite: 200 * MB, PostgreSQL: 120 * MB };
  for (const database of benchDatabases()) {
    const f = await measure(database);
    const target = targets[database.name]!;
    const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
    console.log(
      `${database.name}: first start (new database) peak ${mb(f.firstStartPeak)} (${ratio(f.firstStartPeak)}; ` +
        `target < 400 MB: ${verdict(f.firstStartPeak < 400 * MB)})`,
    );
    console.log(
      `${database.name}: idle                         steady ${mb(f.idle)} (${ratio(f.idle)}; ` +
        `target < ${mb(target)}: ${verdict(f.idle < target)})`,
    );
    console.log(
      `${database.name}: ${AGENTS} agents after ${MINUTES} min         steady ${mb(f.loadedSteady)} ` +
        `(${ratio(f.loadedSteady)}), peak ${mb(f.loadedPeak)} (${ratio(f.loadedPeak)}; ` +
        `target < ${mb(target)}: ${verdict(f.loadedSteady < target)})`,
    );
  }
}
