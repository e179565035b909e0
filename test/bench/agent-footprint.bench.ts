// Agent footprint (issue 6): the installed bundle's idle RSS and CPU while connected to a real
// core (BENCH_SECONDS, default 60), against a bare `node` process idling (the floor any Node.js
// agent pays); and the scan overhead of `redflag-agent scan --plugin apt --json` over
// `apt list --upgradable` run directly, interleaved in the same run (BENCH_SAMPLES rounds).
// Targets: idle RSS under 60 MB, scan overhead under 10 %.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildAgentBundle } from '../../core/fleet/index.js';
import { cleanEnv, tempDir } from '../helpers/cli.js';
import { rssBytes, startBenchCore, waitFor } from './lib.js';

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** utime + stime of a process, in seconds (/proc/<pid>/stat fields 14 and 15). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

async function sampleIdle(pid: number, seconds: number) {
  const rss: number[] = [];
  const cpuStart = cpuSeconds(pid);
  const started = performance.now();
  for (let i = 0; i < seconds; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    rss.push(rssBytes(pid));
  }
  const wall = (performance.now() - started) / 1000;
  return {
    rssMedian: median(rss),
    rssMax: Math.max(...rss),
    cpuPercent: ((cpuSeconds(pid) - cpuStart) / wall) * 100,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;

function timed(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const started = performance.now();
  const result = spawnSync(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr}`);
  return performance.now() - started;
}

export async function run() {
  const seconds = Number(process.env.BENCH_SECONDS ?? 60);
  const rounds = Number(process.env.BENCH_SAMPLES ?? 5);
  const dir = tempDir('redflag-bench-agent-');
  const bundle = join(dir.path, 'redflag-agent.mjs');
  writeFileSync(bundle, (await buildAgentBundle({ version: 'bench' })).code);
  const config = join(dir.path, 'agent.json');
  const stateDir = join(dir.path, 'state');
  const files = ['--config', config, '--state-dir', stateDir];
  const env = cleanEnv();
  const agentCli = (args: string[]) =>
    spawnSync(process.execPath, [bundle, ...args, ...files], { env, encoding: 'utf8' });

  const core = await startBenchCore();
  let agent: ChildProcess | null = null;
  let bare: ChildProcess | null = null;
  try {
    const { token } = await core.admin<{ token: string }>('POST', '/v1/tokens', {
      label: 'bench',
      seats: 1,
      expires: '1h',
    });
    const registered = agentCli(['register', '--server', core.httpUrl, '--token', token, '--json']);
    if (registered.status !== 0) throw new Error(`register failed: ${registered.stderr}`);
    const written = JSON.parse(readFileSync(config, 'utf8')) as Record<string, unknown> & {
      identity: { agentId: string };
    };
    // Scans read the package indexes as they are (no apt-get update), and every plugin has a
    // scan on record first, so the daemon's scheduler does not scan during the idle window.
    writeFileSync(config, JSON.stringify({ ...written, plugins: { apt: { updateBeforeScan: false } } }), {
      mode: 0o600,
    });
    if (agentCli(['scan', '--json']).status !== 0) throw new Error('the first scan failed');

    agent = spawn(process.execPath, [bundle, 'run', '--log-level', 'warn', ...files], {
      env,
      stdio: 'ignore',
    });
    const agentId = written.identity.agentId;
    await waitFor(async () => {
      const agents = await core.admin<Array<{ id: string; online: boolean }>>('GET', '/v1/agents');
      return agents.some((a) => a.id === agentId && a.online);
    }, 60_000);
    // Start-up work (plugin detection, the first metrics) is over before the window opens.
    await new Promise((r) => setTimeout(r, 5000));
    bare = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    const [idle, floor] = await Promise.all([
      sampleIdle(agent.pid!, seconds),
      sampleIdle(bare.pid!, seconds),
    ]);
    console.log(
      `idle over ${seconds} s, connected: RSS ${mb(idle.rssMedian)} (max ${mb(idle.rssMax)}; target < 60 MB), ` +
        `CPU ${idle.cpuPercent.toFixed(2)} % of a core`,
    );
    console.log(
      `  reference: bare node RSS ${mb(floor.rssMedian)}, CPU ${floor.cpuPercent.toFixed(2)} %; ` +
        `agent/bare RSS ${(idle.rssMedian / floor.rssMedian).toFixed(2)}x`,
    );

    // The scan: the agent (node start, bundle load, config, plugin detection, apt, parsing,
    // JSON out) against apt answering the same query on its own. The daemon keeps running
    // meanwhile (holding the state dir), so the CLI scan uses a state directory of its own.
    const scanFiles = ['--config', config, '--state-dir', join(dir.path, 'scan-state')];
    const direct: number[] = [];
    const viaAgent: number[] = [];
    timed('apt', ['list', '--upgradable']); // warm the page cache for both
    for (let i = 0; i < rounds; i++) {
      direct.push(timed('apt', ['list', '--upgradable']));
      viaAgent.push(
        timed(process.execPath, [bundle, 'scan', '--plugin', 'apt', '--json', ...scanFiles], env),
      );
    }
    const d = median(direct);
    const a = median(viaAgent);
    console.log(
      `scan (median of ${rounds}, interleaved): apt list --upgradable ${d.toFixed(0)} ms, ` +
        `redflag-agent scan --plugin apt --json ${a.toFixed(0)} ms`,
    );
    console.log(
      `  agent/apt ${(a / d).toFixed(2)}x, overhead ${(((a - d) / d) * 100).toFixed(1)} % (target < 10 %)`,
    );
  } finally {
    bare?.kill('SIGTERM');
    if (agent) {
      const exited = new Promise((r) => agent!.once('exit', r));
      agent.kill('SIGTERM');
      await exited;
    }
    await core.stop();
    dir.remove();
  }
}
