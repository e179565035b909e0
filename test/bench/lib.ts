// Shared pieces of the benchmarks: processes to measure, percentiles, memory readings.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import pg from 'pg';
import { adminRequest } from '../../core/api/index.js';
import { cleanEnv, freePort, REDFLAG_BIN, tempDir } from '../helpers/cli.js';
import { type AgentIdentity, connectAgent, listenDown } from '../helpers/sim-agent.js';

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Resident memory of a process, from /proc (Linux). */
export function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** utime + stime of a process, in seconds (/proc/<pid>/stat fields 14 and 15). */
export function cpuSeconds(pid: number | string): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

export async function waitFor(probe: () => Promise<boolean>, timeoutMs = 30000, what = 'a condition') {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * How long a bench waits for a process it started to be ready. Generous: on a machine shared
 * with other work, a core's start (tsx compiling the sources, PGlite's first open, the
 * migrations) has taken over a minute; BENCH_READY_SECONDS changes it.
 */
export const READY_TIMEOUT_MS = Number(process.env.BENCH_READY_SECONDS ?? 300) * 1000;

export interface BenchDatabase {
  name: string;
  env: Record<string, string>;
  /** Drops what the run created (the PostgreSQL schema). */
  cleanup(): Promise<void>;
}

/**
 * PGlite always; PostgreSQL too when REDFLAG_BENCH_PG_URL (or REDFLAG_TEST_PG_URL) names one,
 * each run in a schema of its own.
 */
export function benchDatabases(): BenchDatabase[] {
  const url = process.env.REDFLAG_BENCH_PG_URL ?? process.env.REDFLAG_TEST_PG_URL;
  const list: BenchDatabase[] = [{ name: 'PGlite', env: {}, cleanup: async () => {} }];
  if (url) {
    const schema = `rf_bench_${process.pid}_${Date.now() % 100000}`;
    list.push({
      name: 'PostgreSQL',
      env: { REDFLAG_DATABASE_URL: url, REDFLAG_DATABASE_SCHEMA: schema },
      async cleanup() {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        await client.query(`drop schema if exists "${schema}" cascade`);
        await client.end();
      },
    });
  }
  // BENCH_DATABASES=PostgreSQL (or PGlite) measures one of them, e.g. while trying a change.
  const only = process.env.BENCH_DATABASES?.split(',').map((name) => name.trim().toLowerCase());
  return only ? list.filter((d) => only.includes(d.name.toLowerCase())) : list;
}

export interface BenchCore {
  httpUrl: string;
  mqttUrl: string;
  dataDir: string;
  pid: number;
  admin<T>(method: string, path: string, body?: unknown): Promise<T>;
  /** Stops the core; with keepData its data directory stays, for a restart on it. */
  stop(opts?: { keepData?: boolean }): Promise<void>;
}

/** `redflag serve` in its own process (so its memory is its own), PGlite in a temporary directory. */
export async function startBenchCore(
  extraEnv: Record<string, string> = {},
  nodeArgs: string[] = [],
  /** The data directory of a core stopped with keepData: starts on its agents and keys. */
  dataDir?: string,
): Promise<BenchCore> {
  const dir = dataDir
    ? { path: dataDir, remove: () => rmSync(dataDir, { recursive: true, force: true }) }
    : tempDir('redflag-bench-');
  const httpPort = await freePort();
  const mqttPort = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [
      // e.g. BENCH_CORE_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' profiles the core under load
      ...nodeArgs,
      ...(process.env.BENCH_CORE_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
      REDFLAG_BIN,
      'serve',
      '--data-dir',
      dir.path,
      '--http-port',
      String(httpPort),
      '--mqtt-port',
      String(mqttPort),
    ],
    {
      env: cleanEnv({
        REDFLAG_LOG_LEVEL: 'warn',
        REDFLAG_HTTP_HOST: '127.0.0.1',
        REDFLAG_BROKER_HOST: '127.0.0.1',
        ...extraEnv,
      }),
      // BENCH_CORE_STDOUT=1 shows what the core prints, e.g. with BENCH_CORE_NODE_ARGS=--trace-gc
      stdio: ['ignore', process.env.BENCH_CORE_STDOUT ? 'inherit' : 'ignore', 'inherit'],
    },
  );
  const httpUrl = `http://127.0.0.1:${httpPort}`;
  // A core that exits (a port taken, a failed migration) fails the bench at once, not after the wait.
  let exited: string | null = null;
  child.once(
    'exit',
    (code, signal) => (exited = `the bench core exited (${signal ?? code}) before it was ready`),
  );
  const started = Date.now();
  for (;;) {
    const ready = await fetch(`${httpUrl}/readyz`, { signal: AbortSignal.timeout(10_000) }).then(
      (res) => res.status === 200,
      () => false,
    );
    if (ready) break;
    const failure =
      exited ??
      (Date.now() - started > READY_TIMEOUT_MS
        ? `the bench core did not answer /readyz within ${READY_TIMEOUT_MS / 1000} s (BENCH_READY_SECONDS)`
        : null);
    if (failure) {
      if (!exited) child.kill('SIGKILL');
      dir.remove();
      throw new Error(failure);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  if (Date.now() - started > 20_000)
    console.log(
      `  (the bench core took ${((Date.now() - started) / 1000).toFixed(0)} s to start: a loaded machine)`,
    );
  const socket = join(dir.path, 'redflag.sock');
  return {
    httpUrl,
    mqttUrl: `mqtt://127.0.0.1:${mqttPort}`,
    dataDir: dir.path,
    pid: child.pid!,
    admin: (method, path, body) => adminRequest(socket, method, path, body),
    async stop(opts = {}) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      if (!opts.keepData) dir.remove();
    },
  };
}

/** A bare aedes broker (no hooks) in its own process: the reference RedFlag's broker is compared with. */
export async function startBareAedes(): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const port = await freePort();
  const script = `
    import { createServer } from 'node:net';
    import { Aedes } from 'aedes';
    const broker = await Aedes.createBroker({ drainTimeout: 10000 });
    createServer((s) => { s.setNoDelay(true); broker.handle(s); }).listen(${port}, '127.0.0.1', () => console.log('ready'));
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: new URL('../../', import.meta.url).pathname,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
  return {
    url: `mqtt://127.0.0.1:${port}`,
    pid: child.pid!,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

/** Mosquitto on a port of its own, anonymous, no persistence: the C reference. */
export async function startMosquitto(): Promise<{ url: string; pid: number; stop(): Promise<void> } | null> {
  const port = await freePort();
  const dir = tempDir('redflag-mosquitto-');
  const conf = join(dir.path, 'mosquitto.conf');
  writeFileSync(
    conf,
    `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 100000\n`,
  );
  const child = spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
  const failed = await new Promise<boolean>((resolve) => {
    child.once('error', () => resolve(true));
    setTimeout(() => resolve(false), 500);
  });
  if (failed) {
    dir.remove();
    return null;
  }
  return {
    url: `mqtt://127.0.0.1:${port}`,
    pid: child.pid!,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      dir.remove();
    },
  };
}

/** Runs `work` over `items` with at most `limit` at a time. */
export async function pool<T, R>(
  items: T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i]!, i);
      }
    }),
  );
  return results;
}

/**
 * Connects simulated agents (no last will) and subscribes each to its down topics, 50 at a time;
 * `clients` gets every connection as it opens, so a caller can close them even after a failure.
 */
export function connectListening(url: string, identities: AgentIdentity[], clients: MqttClient[]) {
  return pool(identities, 50, async (identity) => {
    const client = await connectAgent(url, identity, { will: false });
    clients.push(client);
    return listenDown(client, identity);
  });
}
