// Memory (issue 26): the resident memory of the built core (`npm run build`), started as the
// add-on starts it (its start script, addon/rootfs/usr/lib/redflag/start.mjs, with its node
// flags, running dist/core/cli.js), beside a bare `node` process measured in the same run.
// For each database (PGlite always, PostgreSQL when REDFLAG_BENCH_PG_URL or REDFLAG_TEST_PG_URL
// names one): the peak while a new database is initialised (PGlite's initdb, the migrations),
// the steady RSS idle, and the steady and peak RSS after BENCH_MEMORY_MINUTES (10) with
// BENCH_MEMORY_AGENTS (50) agents connected and reporting.
// Targets: idle under 200 MB on PGlite and 120 MB on PostgreSQL; first start under 400 MB.
// Smoke run: BENCH_MEMORY_MINUTES=0.5 npm run bench memory.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { upTopic } from '../../broker/protocol/index.js';
import { adminRequest } from '../../core/api/index.js';
import { cleanEnv, freePort, tempDir } from '../helpers/cli.js';
import {
  type AgentIdentity,
  connectAgent,
  envelope,
  helloMessage,
  listenDown,
  registerSimAgent,
  scanMessage,
  scanPackage,
} from '../helpers/sim-agent.js';
import { type BenchDatabase, benchDatabases, percentile, pool, READY_TIMEOUT_MS, waitFor } from './lib.js';

const MINUTES = Number(process.env.BENCH_MEMORY_MINUTES ?? 10);
const AGENTS = Number(process.env.BENCH_MEMORY_AGENTS ?? 50);
/** How long a process is left alone after it is ready before its idle RSS is sampled. */
const SETTLE_SECONDS = Number(process.env.BENCH_MEMORY_SETTLE_SECONDS ?? 20);
const PACKAGES_PER_SCAN = 300;
const ROOT = new URL('../../', import.meta.url).pathname;
const BUILT_CORE = `${ROOT}dist/core/cli.js`;
const ADDON_START = `${ROOT}addon/rootfs/usr/lib/redflag/start.mjs`;
const ADDON_RUN = `${ROOT}addon/rootfs/etc/s6-overlay/s6-rc.d/redflag/run`;

/** Node's flags on the `exec node … start.mjs` line of the add-on's s6 run script. */
function addonNodeFlags(): string[] {
  const line = /^exec node (.*)\/usr\/lib\/redflag\/start\.mjs\s*$/m.exec(readFileSync(ADDON_RUN, 'utf8'));
  if (!line) throw new Error(`${ADDON_RUN} has no \`exec node … start.mjs\` line`);
  return line[1]!.split(/\s+/).filter(Boolean);
}
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

interface AddonCore {
  /** The start script's process, which runs the core. */
  pid: number;
  httpUrl: string;
  mqttUrl: string;
  admin<T>(method: string, path: string, body?: unknown): Promise<T>;
  stop(): Promise<void>;
}

/**
 * The add-on's start script with a written options file (discovery off: no Supervisor here),
 * running the built core on `dataDir`; the environment moves its ports off the add-on's own.
 */
async function startAddonCore(database: BenchDatabase, dataDir: string): Promise<AddonCore> {
  const options = join(dataDir, '..', 'options.json');
  writeFileSync(
    options,
    JSON.stringify({
      database_url: database.env.REDFLAG_DATABASE_URL ?? '',
      discovery: false,
      log_level: 'warn',
    }),
  );
  const httpPort = await freePort();
  const mqttPort = await freePort();
  const starter = spawn(process.execPath, [...addonNodeFlags(), ADDON_START], {
    env: cleanEnv({
      ...database.env,
      REDFLAG_ADDON_OPTIONS_FILE: options,
      REDFLAG_ADDON_CORE: BUILT_CORE,
      REDFLAG_DATA_DIR: dataDir,
      REDFLAG_HTTP_HOST: '127.0.0.1',
      REDFLAG_HTTP_PORT: String(httpPort),
      REDFLAG_BROKER_HOST: '127.0.0.1',
      REDFLAG_BROKER_PORT: String(mqttPort),
    }),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise((r) => starter.once('exit', r));
  const httpUrl = `http://127.0.0.1:${httpPort}`;
  await waitFor(
    () => fetch(`${httpUrl}/readyz`).then((res) => res.status === 200),
    READY_TIMEOUT_MS,
    'the core started by the add-on script to be ready',
  );
  return {
    pid: starter.pid!,
    httpUrl,
    mqttUrl: `mqtt://127.0.0.1:${mqttPort}`,
    admin: (method, path, body) => adminRequest(join(dataDir, 'redflag.sock'), method, path, body),
    async stop() {
      starter.kill('SIGTERM');
      await exited;
    },
  };
}

/** A simulated agent's life: hello and a scan on connect, metrics every minute, a scan every 5. */
async function agentLife(mqttUrl: string, identity: AgentIdentity, clients: MqttClient[]) {
  // Generous: on a loaded machine a CONNACK has taken more than the helper's 5 s.
  const client = await connectAgent(mqttUrl, identity, { will: false, connectTimeoutMs: 120_000 });
  clients.push(client);
  client.on('error', (err) => console.log(`  agent ${identity.agentId}: ${err.message}`));
  const down = await listenDown(client, identity);
  const publish = (type: 'hello' | 'scan' | 'metrics', message: object) =>
    client.publishAsync(upTopic(identity.topicPrefix, identity.agentId, type), JSON.stringify(message), {
      qos: 1,
    });
  const scan = async (round: number) => {
    const message = scanMessage(
      Array.from({ length: PACKAGES_PER_SCAN }, (_, i) =>
        scanPackage(`package-${i}`, {
          availableVersion: `1.${round}`,
          security: i % 7 === 0,
          severity: i % 7 === 0 ? 'high' : 'unknown',
        }),
      ),
    );
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
  const dir = tempDir('redflag-bench-memory-');
  const dataDir = join(dir.path, 'data');
  // First start: a new data directory (the embedded database created) or an empty schema, then
  // the migrations. VmHWM of the still running process is the peak of everything until ready.
  const first = await startAddonCore(database, dataDir);
  const firstStartPeak = memoryOf(first.pid).peak;
  await first.stop();

  // Idle: the same data directory (or schema) again, as every later start of the add-on.
  const core = await startAddonCore(database, dataDir);
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
    stops.push(...(await pool(identities, 5, (identity) => agentLife(core.mqttUrl, identity, clients))));
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
    dir.remove();
  }
}

export async function run() {
  build();
  console.log(
    `the built core (dist/core/cli.js) run by the add-on's start script with the node flags of its ` +
      `s6 run script (${addonNodeFlags().join(' ')}); ${AGENTS} agents for ` +
      `${MINUTES} min (BENCH_MEMORY_AGENTS, BENCH_MEMORY_MINUTES); RSS from /proc/<pid>/status, ` +
      `steady = median of samples a second (idle) or 5 s (agents) apart, peak = VmHWM`,
  );
  const bare = await bareNode();
  console.log(`reference: bare node (node -e, idle)                  ${mb(bare).padStart(7)}`);
  const line = (what: string, bytes: number, target?: number) =>
    console.log(
      `${what.padEnd(54)}${mb(bytes).padStart(7)}  ${(bytes / bare).toFixed(1).padStart(5)}x bare node` +
        (target ? `  target < ${mb(target)}: ${bytes < target ? 'met' : 'NOT met'}` : ''),
    );
  const targets: Record<string, number> = { PGlite: 200 * MB, PostgreSQL: 120 * MB };
  for (const database of benchDatabases()) {
    const f = await measure(database);
    const target = targets[database.name]!;
    line(`${database.name}: first start (new database), peak`, f.firstStartPeak, 400 * MB);
    line(`${database.name}: idle, steady`, f.idle, target);
    line(`${database.name}: ${AGENTS} agents after ${MINUTES} min, steady`, f.loadedSteady, target);
    line(`${database.name}: ${AGENTS} agents after ${MINUTES} min, peak`, f.loadedPeak);
  }
}
