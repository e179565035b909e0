import { join } from 'node:path';
import type { OperationContext, PluginContext, ProcessResult, RunOptions } from '../sdk/index.js';
import { describeFailure, succeeded } from '../sdk/index.js';
import type { PacmanConfig } from './config.js';

/** Untranslated output (the parsers read English); no colours. */
export const PACMAN_ENV = { LC_ALL: 'C', LANG: 'C', LANGUAGE: undefined };

export interface PacmanCommand {
  /** Operation and flags (`-Qu`, `-Sy`); the configured root, dbpath, config and cachedir are added. */
  args: string[];
  /** Package arguments, after `--` so none can be read as an option. */
  targets?: string[];
  /** Another database than the configured one (checkupdates' temporary copy). */
  dbPath?: string;
  timeoutSeconds: number;
  /** Retry while another pacman holds the database lock, up to lockTimeoutSeconds. */
  waitForLock?: boolean;
  onStdoutLine?: RunOptions['onStdoutLine'];
  onStderrLine?: RunOptions['onStderrLine'];
  /** Called with pacman's words about the lock each time the command waits for it. */
  onLockWait?: (message: string) => void;
}

// pacman does not wait for its lock: it fails at once with these lines.
const LOCK_FAILURE = /unable to lock database|could not lock database/;
// "  running, you can remove /var/lib/pacman/db.lck": the lock file is named on its own line.
const LOCK_FILE = /you can remove (\S+)/;
const LOCK_RETRY_MS = 5_000;

export function isLockFailure(result: ProcessResult): boolean {
  return !succeeded(result) && result.stderr.some((line) => LOCK_FAILURE.test(line));
}

/**
 * pacman cannot say who holds its lock, only where the lock file is (a stale one must be removed
 * by hand). `pacman -Sy` does not name it; then the configured database's lock file is named.
 */
export function lockDescription(result: ProcessResult, config: PacmanConfig): string {
  const file =
    result.stderr.map((l) => LOCK_FILE.exec(l)?.[1]).find(Boolean) ??
    (config.dbPath ? join(config.dbPath, 'db.lck') : 'db.lck in the pacman database directory');
  return `the pacman database is locked (${file} exists)`;
}

/** The options that point pacman at the configured installation, before the operation's own. */
export function locationOptions(config: PacmanConfig, dbPath?: string): string[] {
  // `--option=value`, one argument each: a value can never be read as an operation or a target.
  return [
    ...(config.root ? [`--root=${config.root}`] : []),
    ...(dbPath || config.dbPath ? [`--dbpath=${dbPath || config.dbPath}`] : []),
    ...(config.config ? [`--config=${config.config}`] : []),
    ...(config.cacheDir ? [`--cachedir=${config.cacheDir}`] : []),
  ];
}

/** Runs pacman the way every part of this plugin must: argv, C locale, configured paths, lock wait. */
export async function runPacman(
  ctx: PluginContext<PacmanConfig>,
  op: OperationContext,
  command: PacmanCommand,
): Promise<ProcessResult> {
  const deadline = ctx.clock.now().getTime() + ctx.config.lockTimeoutSeconds * 1000;
  const args = [
    ...command.args,
    '--color=never',
    ...locationOptions(ctx.config, command.dbPath),
    ...(command.targets ? ['--', ...command.targets] : []),
  ];
  for (;;) {
    const result = await ctx.run('pacman', args, {
      env: PACMAN_ENV,
      timeoutMs: command.timeoutSeconds * 1000,
      signal: op.signal,
      ...(command.onStdoutLine ? { onStdoutLine: command.onStdoutLine } : {}),
      ...(command.onStderrLine ? { onStderrLine: command.onStderrLine } : {}),
    });
    if (!command.waitForLock || !isLockFailure(result)) return result;
    const left = deadline - ctx.clock.now().getTime();
    if (left <= 0) return result;
    try {
      command.onLockWait?.(lockDescription(result, ctx.config));
    } catch {
      // progress reporting must not break the command
    }
    await ctx.clock.sleep(Math.min(LOCK_RETRY_MS, left), op.signal);
  }
}

/** Why a pacman command failed, naming its operation: `pacman -Qu exited with 1: error: …`. */
export function describePacmanFailure(result: ProcessResult): string {
  const operation = result.args[0]?.startsWith('-') ? ` ${result.args[0]}` : '';
  return describeFailure({ ...result, command: `${result.command}${operation}` });
}
