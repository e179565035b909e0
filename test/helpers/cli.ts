import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REDFLAG_BIN = new URL('../../bin/redflag.js', import.meta.url).pathname;

/** A clean environment: no REDFLAG_* from the developer's shell leaks into a spawned core. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('REDFLAG_')) env[k] = v;
  return { ...env, ...extra };
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function runRedflag(
  args: string[],
  opts: { cwd?: string; env?: Record<string, string> } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [REDFLAG_BIN, ...args], { cwd: opts.cwd, env: cleanEnv(opts.env) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

export interface RunningCore {
  child: ChildProcess;
  url: string;
  output(): string;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
}

/**
 * Starts `redflag serve` and resolves once it logs that it is ready. `entry`: another script
 * to run instead of bin/redflag.js (a build's dist/core/cli.js).
 */
export function startRedflag(
  args: string[],
  opts: { cwd?: string; env?: Record<string, string>; readyTimeoutMs?: number; entry?: string } = {},
): Promise<RunningCore> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [opts.entry ?? REDFLAG_BIN, 'serve', ...args], {
      cwd: opts.cwd,
      env: cleanEnv(opts.env),
    });
    let out = '';
    const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`core not ready in time; output:\n${out}`));
    }, opts.readyTimeoutMs ?? 30000);
    const onData = (d: Buffer) => {
      out += d;
      const match = /"url":"(http:[^"]+)".*"msg":"RedFlag core ready\b/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1]!, output: () => out, exited });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => (out += d));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`core exited with ${code} before it was ready; output:\n${out}`));
    });
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/**
 * A temporary directory removed after the test file. Retried: a killed agent's child (apt in
 * a scan) can still be writing into it for a moment, and one ENOTEMPTY fails the whole file.
 */
export function tempDir(prefix = 'redflag-test-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return {
    path,
    remove: () => rmSync(path, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }),
  };
}
