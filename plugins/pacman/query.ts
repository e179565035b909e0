import {
  type OperationContext,
  type PluginContext,
  PluginError,
  type ProcessResult,
  type TransactionItem,
} from '../sdk/index.js';
import type { PacmanConfig } from './config.js';
import { parseInstalled } from './parse-installed.js';
import { type ParsedUpgrades, parseUpgrades } from './parse-upgrades.js';
import { describePacmanFailure, runPacman } from './pacman-runner.js';

/**
 * pacman -Q exits 1 both for "nothing to report" and for "some named package is not
 * installed" (with `error: package 'x' was not found` on stderr); only a process that did not
 * run properly, or an exit beyond 1, is a failure.
 */
function ranProperly(result: ProcessResult): boolean {
  return (
    !result.spawnError &&
    !result.timedOut &&
    !result.aborted &&
    (result.exitCode === 0 || result.exitCode === 1)
  );
}

/**
 * `pacman -Qu`: installed packages with a newer version in the sync databases (exit 0), or
 * nothing (exit 1, no output). `targets` narrows it to those packages; `dbPath` reads another
 * database (checkupdates' temporary copy).
 */
export async function queryUpgrades(
  ctx: PluginContext<PacmanConfig>,
  op: OperationContext,
  options: { targets?: string[]; dbPath?: string } = {},
): Promise<ParsedUpgrades> {
  const result = await runPacman(ctx, op, {
    args: ['-Qu'],
    timeoutSeconds: ctx.config.commandTimeoutSeconds,
    ...options,
  });
  const unexpectedError =
    !options.targets && result.exitCode === 1 && result.stderr.some((l) => l.startsWith('error:'));
  if (!ranProperly(result) || unexpectedError)
    throw new PluginError(describePacmanFailure(result), { code: 'command-failed' });
  return parseUpgrades(result.stdout);
}

/** Installed versions of these packages (`pacman -Q`); absent names are simply not in the map. */
export async function installedVersions(
  ctx: PluginContext<PacmanConfig>,
  op: OperationContext,
  names: readonly string[],
): Promise<Map<string, string>> {
  if (names.length === 0) return new Map();
  const result = await runPacman(ctx, op, {
    args: ['-Q'],
    targets: [...new Set(names)],
    timeoutSeconds: ctx.config.commandTimeoutSeconds,
  });
  if (!ranProperly(result))
    throw new PluginError(`could not read the pacman database: ${describePacmanFailure(result)}`, {
      code: 'command-failed',
    });
  return parseInstalled(result.stdout);
}

/** What changed between two readings of the database. */
export function changedPackages(before: Map<string, string>, after: Map<string, string>): TransactionItem[] {
  const changed: TransactionItem[] = [];
  for (const [name, version] of after) {
    const was = before.get(name);
    if (was !== version) changed.push({ name, ...(was ? { fromVersion: was } : {}), toVersion: version });
  }
  for (const [name, was] of before) if (!after.has(name)) changed.push({ name, fromVersion: was });
  return changed;
}
