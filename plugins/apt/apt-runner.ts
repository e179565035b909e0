import {
  type OperationContext,
  type PluginContext,
  type ProcessResult,
  type RunOptions,
  succeeded,
} from '../sdk/index.js';
import type { AptConfig } from './config.js';

/** Every apt and dpkg command runs untranslated (the parsers read English) and never asks. */
export const APT_ENV = { LC_ALL: 'C', LANG: 'C', LANGUAGE: undefined, DEBIAN_FRONTEND: 'noninteractive' };

export interface AptCommand {
  program: 'apt-get' | 'apt' | 'apt-mark' | 'dpkg-query';
  /** Subcommand and flags; the configured `aptOptions` are appended (not for dpkg-query). */
  args: string[];
  /** Package arguments, after `--` so none can be read as an option. */
  packages?: string[];
  timeoutSeconds: number;
  /** Retry while another apt/dpkg holds a lock, up to lockTimeoutSeconds. */
  waitForLock?: boolean;
  /** Also let apt itself wait for the dpkg lock (`DPkg::Lock::Timeout`): installs. */
  nativeLockWait?: boolean;
  env?: Record<string, string>;
  onStdoutLine?: RunOptions['onStdoutLine'];
  onStderrLine?: RunOptions['onStderrLine'];
  onStatusLine?: RunOptions['onStatusLine'];
  /** Called with apt's "held by process N (name)" text each time it waits for a lock. */
  onLockWait?: (message: string) => void;
}

const LOCK_FAILURE =
  /Could not get lock|Unable to acquire the dpkg frontend lock|Unable to lock (the )?(administration )?directory/;
const LOCK_WAITING = /^Waiting for cache lock: (.*)$/;
// apt-get update ignores DPkg::Lock::Timeout (apt 2.6): it fails at once on a busy lists lock,
// so the plugin retries at this pace until lockTimeoutSeconds have passed.
const LOCK_RETRY_MS = 5_000;

export function isLockFailure(result: ProcessResult): boolean {
  return !succeeded(result) && [...result.stderr, ...result.stdout].some((line) => LOCK_FAILURE.test(line));
}

/** apt's own words about who holds the lock: `… It is held by process 123 (unattended-upgr)`. */
export function lockHolder(result: ProcessResult): string {
  const lines = [...result.stderr, ...result.stdout].filter((l) => LOCK_FAILURE.test(l));
  const line = lines.find((l) => l.includes('held by process')) ?? lines.at(-1);
  return (
    line
      ?.replace(/^(E|W): /, '')
      .replace(/^Waiting for cache lock: /, '')
      .trim() ?? 'a lock is held'
  );
}

/** Runs an apt command the way every part of this plugin must: argv, C locale, extra options, lock wait. */
export async function runApt(
  ctx: PluginContext<AptConfig>,
  op: OperationContext,
  command: AptCommand,
): Promise<ProcessResult> {
  const deadline = ctx.clock.now().getTime() + ctx.config.lockTimeoutSeconds * 1000;
  const extra =
    command.program === 'dpkg-query' ? [] : ctx.config.aptOptions.flatMap((option) => ['-o', option]);
  const onLockWait = (message: string) => {
    try {
      command.onLockWait?.(message);
    } catch {
      // progress reporting must not break the command
    }
  };
  for (;;) {
    const secondsLeft = Math.max(0, Math.ceil((deadline - ctx.clock.now().getTime()) / 1000));
    const native = command.nativeLockWait ? ['-o', `DPkg::Lock::Timeout=${secondsLeft}`] : [];
    const args = [
      ...command.args,
      ...native,
      ...extra,
      ...(command.packages ? ['--', ...command.packages] : []),
    ];
    const watchForWaiting = (forward?: (line: string) => void) => (line: string) => {
      const waiting = LOCK_WAITING.exec(line);
      if (waiting) onLockWait(waiting[1] ?? line);
      forward?.(line);
    };
    const result = await ctx.run(command.program, args, {
      env: { ...APT_ENV, ...command.env },
      timeoutMs: command.timeoutSeconds * 1000,
      signal: op.signal,
      onStdoutLine: watchForWaiting(command.onStdoutLine),
      onStderrLine: watchForWaiting(command.onStderrLine),
      ...(command.onStatusLine ? { onStatusLine: command.onStatusLine } : {}),
    });
    if (!command.waitForLock || !isLockFailure(result)) return result;
    const left = deadline - ctx.clock.now().getTime();
    if (left <= 0) return result;
    onLockWait(lockHolder(result));
    await ctx.clock.sleep(Math.min(LOCK_RETRY_MS, left), op.signal);
  }
}

/** apt's `E:` and `W:` lines, which say what went wrong or what to look at. */
export function aptMessages(result: ProcessResult): string[] {
  return [...result.stderr, ...result.stdout].map((l) => l.trim()).filter((l) => /^(E|W): /.test(l));
}
