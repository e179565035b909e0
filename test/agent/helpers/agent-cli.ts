import { type ChildProcess, spawn } from 'node:child_process';
import { cleanEnv } from '../../helpers/cli.js';

export const AGENT_BIN = new URL('../../../bin/redflag-agent.js', import.meta.url).pathname;

export interface AgentRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `redflag-agent` as a separate process, the way a user or systemd does. */
export function runAgentCli(args: string[], env: Record<string, string> = {}): Promise<AgentRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [AGENT_BIN, ...args], { env: cleanEnv(env) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Starts `redflag-agent run` and resolves once it logs that it started. `wrapper`: a program
 * that runs it (`faketime -f +240s` for a host whose clock is off).
 */
export function startAgentProcess(
  args: string[],
  opts: { wrapper?: string[]; env?: Record<string, string> } = {},
): Promise<{ child: ChildProcess; output(): string; exited: Promise<number | null> }> {
  return new Promise((resolve, reject) => {
    const [program, ...before] = [...(opts.wrapper ?? []), process.execPath];
    const child = spawn(program!, [...before, AGENT_BIN, 'run', ...args], { env: cleanEnv(opts.env) });
    let out = '';
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the agent did not start; output:\n${out}`));
    }, 30_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d;
      if (out.includes('"msg":"RedFlag agent started"')) {
        clearTimeout(timer);
        resolve({ child, output: () => out, exited });
      }
    });
    child.stderr.on('data', (d: Buffer) => (out += d));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the agent exited with ${code} before it started; output:\n${out}`));
    });
  });
}
