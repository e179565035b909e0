import { type ChildProcess, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { PluginError } from './errors.js';
import { LineSplitter } from './line-splitter.js';

export interface RunOptions {
  /** Merged over the agent's environment; a value of `undefined` removes the variable. */
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Kill the process (SIGTERM, then SIGKILL after `killGraceMs`) when it runs longer. */
  timeoutMs?: number;
  /** Kill the process when this aborts. */
  signal?: AbortSignal;
  onStdoutLine?: (line: string) => void;
  onStderrLine?: (line: string) => void;
  /**
   * Lines written to file descriptor 3. Passing it opens a pipe there, for tools that report
   * machine-readable progress on a numbered descriptor (apt's `-o APT::Status-Fd=3`).
   */
  onStatusLine?: (line: string) => void;
  /** Written to the child's stdin, which is otherwise closed so nothing can wait for input. */
  stdin?: string;
  /** Lines kept per stream in the result (the callbacks still see every line). */
  maxCollectedLines?: number;
  killGraceMs?: number;
  /** The process started: its pid, which is also its process group's id. */
  onSpawn?: (pid: number) => void;
}

export interface ProcessResult {
  command: string;
  args: readonly string[];
  /** null when the process was killed by a signal or never started. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string[];
  stderr: string[];
  /** More lines than `maxCollectedLines` arrived; the first ones are kept. */
  truncated: boolean;
  timedOut: boolean;
  aborted: boolean;
  /** Why the process could not be started, e.g. `spawn apt-get ENOENT`. */
  spawnError?: string;
  durationMs: number;
}

/** Runs an argument vector (never a shell): package names are untrusted text. */
export type ProcessRunner = (
  command: string,
  args: readonly string[],
  options?: RunOptions,
) => Promise<ProcessResult>;

const DEFAULT_MAX_LINES = 200_000;
const DEFAULT_KILL_GRACE_MS = 5_000;
// A daemon started by a maintainer script may inherit our pipes and keep them open for ever;
// once the process itself has exited we wait this long for the rest of its output, then stop.
const OUTPUT_DRAIN_MS = 2_000;

export const runProcess: ProcessRunner = (command, args, options = {}) =>
  new Promise<ProcessResult>((resolve) => {
    const started = Date.now();
    const maxLines = options.maxCollectedLines ?? DEFAULT_MAX_LINES;
    const result: ProcessResult = {
      command,
      args: [...args],
      exitCode: null,
      signal: null,
      stdout: [],
      stderr: [],
      truncated: false,
      timedOut: false,
      aborted: false,
      durationMs: 0,
    };
    const collect = (into: string[], callback?: (line: string) => void) => (line: string) => {
      if (into.length < maxLines) into.push(line);
      else result.truncated = true;
      safely(callback, line);
    };

    let child: ChildProcess;
    try {
      child = spawn(command, [...args], {
        env: mergeEnv(options.env),
        cwd: options.cwd,
        stdio: [
          options.stdin === undefined ? 'ignore' : 'pipe',
          'pipe',
          'pipe',
          ...(options.onStatusLine ? ['pipe' as const] : []),
        ],
        // Its own process group, so a timeout also stops the children it started (dpkg, scripts).
        detached: true,
      });
    } catch (error) {
      result.spawnError = error instanceof Error ? error.message : String(error);
      return resolve(result);
    }

    if (child.pid !== undefined) safely(options.onSpawn, child.pid);
    const streams: Array<[Readable | null, LineSplitter]> = [
      [child.stdout, new LineSplitter(collect(result.stdout, options.onStdoutLine))],
      [child.stderr, new LineSplitter(collect(result.stderr, options.onStderrLine))],
    ];
    if (options.onStatusLine) {
      const onStatus = options.onStatusLine;
      streams.push([child.stdio[3] as Readable | null, new LineSplitter((line) => safely(onStatus, line))]);
    }
    let openStreams = 0;
    for (const [stream, splitter] of streams) {
      if (!stream) continue;
      openStreams++;
      stream.on('data', (chunk: Buffer) => splitter.push(chunk));
      stream.once('close', () => {
        splitter.end();
        if (--openStreams === 0) finish();
      });
      stream.on('error', () => {}); // a broken pipe ends the stream; 'close' follows
    }

    let finished = false;
    let exited = false;
    let killTimer: NodeJS.Timeout | undefined;
    let drainTimer: NodeJS.Timeout | undefined;
    const timeoutTimer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            result.timedOut = true;
            stop();
          }, options.timeoutMs);
    const onAbort = () => {
      result.aborted = true;
      stop();
    };

    function stop(): void {
      if (exited || killTimer) return;
      killGroup(child, 'SIGTERM');
      killTimer = setTimeout(() => killGroup(child, 'SIGKILL'), options.killGraceMs ?? DEFAULT_KILL_GRACE_MS);
    }

    function finish(): void {
      if (finished || !exited) return;
      finished = true;
      clearTimeout(timeoutTimer);
      clearTimeout(killTimer);
      clearTimeout(drainTimer);
      options.signal?.removeEventListener('abort', onAbort);
      for (const [stream] of streams) stream?.destroy();
      result.durationMs = Date.now() - started;
      resolve(result);
    }

    child.on('error', (error) => {
      // Emitted when the process could not be spawned (ENOENT, EACCES); no 'exit' follows.
      if (child.pid === undefined && !finished) {
        result.spawnError = error.message;
        exited = true;
        finish();
      }
    });
    child.once('exit', (code, signal) => {
      result.exitCode = code;
      result.signal = signal;
      exited = true;
      if (openStreams === 0) finish();
      else drainTimer = setTimeout(finish, OUTPUT_DRAIN_MS);
    });

    if (options.stdin !== undefined && child.stdin) {
      child.stdin.on('error', () => {}); // the process may exit without reading its input
      child.stdin.end(options.stdin);
    }
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
  });

/** True when the process ran and exited 0. */
export function succeeded(result: ProcessResult): boolean {
  return result.exitCode === 0 && !result.spawnError && !result.timedOut && !result.aborted;
}

/**
 * The result of a command that must succeed; otherwise a PluginError (`command-failed`) saying
 * why, after `what` when given: `could not read pacman.conf: pacman-conf exited with 1: …`.
 */
export function requireSuccess(result: ProcessResult, what?: string): ProcessResult {
  if (succeeded(result)) return result;
  const why = describeFailure(result);
  throw new PluginError(what ? `${what}: ${why}` : why, { code: 'command-failed' });
}

/**
 * What became of a process, in words: `apt-get install exited with 100`, `… was cancelled`.
 * `name` defaults to the program and its subcommand.
 */
export function processOutcome(
  result: ProcessResult,
  name = [result.command, subcommand(result.args)].filter(Boolean).join(' '),
): string {
  if (result.spawnError) return `${name} could not be started (${result.spawnError})`;
  if (result.timedOut) return `${name} did not finish in time and was stopped`;
  if (result.aborted) return `${name} was cancelled`;
  if (result.signal) return `${name} was killed by ${result.signal}`;
  return `${name} exited with ${result.exitCode}`;
}

/**
 * One line saying why a process failed, ending with its most telling output: apt-style
 * `E:` lines when there are any, else `W:` lines, else the last lines of stderr.
 */
export function describeFailure(result: ProcessResult, maxLines = 4): string {
  const what = processOutcome(result);
  const output = [...result.stderr, ...result.stdout].map((l) => l.trim()).filter(Boolean);
  const errors = output.filter((l) => l.startsWith('E: '));
  const warnings = output.filter((l) => l.startsWith('W: '));
  const fallback = result.stderr.map((l) => l.trim()).filter(Boolean);
  const tail = (errors.length ? errors : warnings.length ? warnings : fallback).slice(-maxLines);
  return tail.length ? `${what}: ${tail.join(' | ')}` : what;
}

/** The first argument that is neither an option nor an option's value (`install` in `-o X=1 install`). */
function subcommand(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') return undefined;
    if (arg === '-o' || arg === '-c' || arg === '-f') i++;
    else if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}

function mergeEnv(overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // Already gone.
    }
  }
}

function safely<T>(callback: ((value: T) => void) | undefined, value: T): void {
  try {
    callback?.(value);
  } catch {
    // A throwing line callback must not lose the process or its result.
  }
}
