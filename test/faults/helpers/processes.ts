import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cleanEnv } from '../../helpers/cli.js';

const AGENT_PROCESS = new URL('./agent-process.ts', import.meta.url).pathname;

export interface KillableAgent {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
  /** SIGKILL, as an operator's `kill -9` or the OOM killer would. */
  kill9(): Promise<void>;
}

/** An agent in its own process (test/faults/helpers/agent-process.ts), resolved once it is online. */
export function startKillableAgent(
  configPath: string,
  stateDir: string,
  opts: { scanSleepSeconds?: number } = {},
): Promise<KillableAgent> {
  const args = ['--import', 'tsx', AGENT_PROCESS, configPath, stateDir];
  if (opts.scanSleepSeconds !== undefined) args.push(String(opts.scanSleepSeconds));
  const child = spawn(process.execPath, args, { env: cleanEnv() });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.stdout.on('data', (d: Buffer) => (out += d));
  child.stderr.on('data', (d: Buffer) => (out += d));
  const agent: KillableAgent = {
    child,
    output: () => out,
    exited,
    async kill9() {
      child.kill('SIGKILL');
      await exited;
    },
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the agent did not come online; output:\n${out}`));
    }, 60_000);
    child.stdout.on('data', () => {
      if (out.includes('AGENT ONLINE')) {
        clearTimeout(timer);
        resolve(agent);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the agent exited with ${code}; output:\n${out}`));
    });
  });
}

/** Live (not zombie) processes whose command line is exactly `argv`. */
export function findProcesses(argv: string[]): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8') !== `${argv.join('\0')}\0`) continue;
      if (isAlive(Number(name))) found.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
