// Agent footprint (issue 6), of the agent as install.sh installs it (into a scratch root) and
// its launcher runs it, connected to a real core:
// - idle RSS and CPU over BENCH_SECONDS (default 60), against a bare `node` process idling
//   (the floor any Node.js agent pays);
// - the scan overhead of the agent over the package manager's own run time for the same query:
//   the running agent's apt scan (a `scan` command; its own startedAt → finishedAt, which covers
//   the plugin host, `apt list --upgradable`, the holds, parsing and checking every record)
//   against `apt list --upgradable` run directly with the same options and locale, interleaved
//   in the same run (BENCH_SAMPLES rounds). The one-shot CLI (`redflag-agent scan`, which also
//   starts Node.js and loads the bundle) is printed too.
// Targets: idle RSS under 60 MB, scan overhead under 10 %.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInstallScript } from '../agent/helpers/install-run.js';
import { cleanEnv, tempDir } from '../helpers/cli.js';
import { cpuSeconds, READY_TIMEOUT_MS, rssBytes, startBenchCore, waitFor } from './lib.js';

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

/** The query the apt plugin runs (plugins/apt/scan.ts), with the plugin's locale. */
const APT_LIST = ['list', '--upgradable', '-o', 'APT::Cmd::Disable-Script-Warning=true'];
const APT_ENV = { ...process.env, LC_ALL: 'C', DEBIAN_FRONTEND: 'noninteractive' };

interface CachedScanFile {
  last: { batchId: string; trigger: string; startedAt: string; finishedAt: string; error?: string };
}

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
  const root = join(dir.path, 'root');
  const launcher = join(root, 'opt/redflag-agent/bin/redflag-agent');
  const config = join(root, 'etc/redflag/agent.json');
  const stateDir = join(root, 'var/lib/redflag');
  const env = cleanEnv();
  const agentCli = (args: string[]) => spawnSync(launcher, args, { env, encoding: 'utf8' });

  const core = await startBenchCore().catch((err: unknown) => {
    dir.remove();
    throw err;
  });
  let agent: ChildProcess | null = null;
  let bare: ChildProcess | null = null;
  try {
    const { token } = await core.admin<{ token: string }>('POST', '/v1/tokens', {
      label: 'bench',
      seats: 1,
      expires: '1h',
    });
    // install.sh as a user runs it: the core builds and signs the bundle, the script checks it,
    // installs it with the launcher and registers.
    const installed = await runInstallScript(core.httpUrl, ['--token', token], root);
    if (installed.code !== 0) throw new Error(`install.sh failed: ${installed.stderr}`);
    const written = JSON.parse(readFileSync(config, 'utf8')) as Record<string, unknown> & {
      identity: { agentId: string };
    };
    // Scans read the package indexes as they are (no apt-get update), and every plugin has a
    // scan on record first, so the daemon's scheduler does not scan during the idle window.
    writeFileSync(config, JSON.stringify({ ...written, plugins: { apt: { updateBeforeScan: false } } }), {
      mode: 0o600,
    });
    if (agentCli(['scan', '--json']).status !== 0) throw new Error('the first scan failed');

    // The launcher execs node for `run`: its pid is the agent's.
    agent = spawn(launcher, ['run', '--log-level', 'warn'], { env, stdio: 'ignore' });
    const agentId = written.identity.agentId;
    await waitFor(
      async () => {
        const agents = await core.admin<Array<{ id: string; online: boolean }>>('GET', '/v1/agents');
        return agents.some((a) => a.id === agentId && a.online);
      },
      READY_TIMEOUT_MS,
      'the agent to connect',
    );
    // Start-up work (plugin detection, the first metrics) is over before the window opens.
    await new Promise((r) => setTimeout(r, 5000));
    // node's own options: between the node binary and the bundle.
    const argv = readFileSync(`/proc/${agent.pid!}/cmdline`, 'utf8').split('\0');
    const flags = argv.slice(
      1,
      argv.findIndex((a) => a.endsWith('.mjs')),
    );
    bare = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    const [idle, floor] = await Promise.all([
      sampleIdle(agent.pid!, seconds),
      sampleIdle(bare.pid!, seconds),
    ]);
    console.log(
      `idle over ${seconds} s, connected: RSS ${mb(idle.rssMedian)} (max ${mb(idle.rssMax)}; target < 60 MB), ` +
        `CPU ${idle.cpuPercent.toFixed(2)} % of a core; node ${flags.join(' ')}`,
    );
    console.log(
      `  reference: bare node RSS ${mb(floor.rssMedian)}, CPU ${floor.cpuPercent.toFixed(2)} %; ` +
        `agent/bare RSS ${(idle.rssMedian / floor.rssMedian).toFixed(2)}x`,
    );

    // The scan, as the running agent does it on its schedule or on command. Its own timestamps
    // (the scan message's startedAt and finishedAt, kept in its scan cache) leave out the
    // MQTT round trip and the core's ingest, which are not the agent's cost.
    const cacheFile = join(stateDir, 'cache', 'scan-apt.json');
    const readCache = () => JSON.parse(readFileSync(cacheFile, 'utf8')) as CachedScanFile;
    const agentScan = async (): Promise<number> => {
      const before = readCache().last.batchId;
      await core.admin('POST', `/v1/agents/${agentId}/commands`, { type: 'scan', params: { plugin: 'apt' } });
      let last: CachedScanFile['last'] | null = null;
      await waitFor(
        async () => {
          const now = readCache().last;
          if (now.batchId === before || now.trigger !== 'command') return false;
          last = now;
          return true;
        },
        READY_TIMEOUT_MS,
        'the agent to finish a scan command',
      );
      const { startedAt, finishedAt, error } = last!;
      if (error) throw new Error(`the agent's scan failed: ${error}`);
      return Date.parse(finishedAt) - Date.parse(startedAt);
    };
    // The one-shot CLI uses a state directory of its own (the daemon holds the other).
    const scanState = ['--state-dir', join(dir.path, 'scan-state')];
    const direct: number[] = [];
    const viaDaemon: number[] = [];
    const viaCli: number[] = [];
    timed('apt', APT_LIST, APT_ENV); // warm the page cache for both
    await agentScan();
    for (let i = 0; i < rounds; i++) {
      direct.push(timed('apt', APT_LIST, APT_ENV));
      viaDaemon.push(await agentScan());
      viaCli.push(timed(launcher, ['scan', '--plugin', 'apt', '--json', ...scanState], env));
    }
    const d = median(direct);
    const a = median(viaDaemon);
    const c = median(viaCli);
    console.log(
      `scan (median of ${rounds}, interleaved): apt list --upgradable ${d.toFixed(0)} ms, ` +
        `the running agent's apt scan ${a.toFixed(0)} ms`,
    );
    console.log(
      `  agent/apt ${(a / d).toFixed(2)}x, overhead ${(((a - d) / d) * 100).toFixed(1)} % (target < 10 %)`,
    );
    console.log(
      `  one-shot redflag-agent scan --plugin apt --json ${c.toFixed(0)} ms (${(c / d).toFixed(2)}x: ` +
        `also starts Node.js and loads the bundle); agent RSS after the scans ${mb(rssBytes(agent.pid!))}`,
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
