import {
  type OperationContext,
  type PluginContext,
  type ScanPackage,
  type ScanResult,
  succeeded,
} from '../sdk/index.js';
import type { PacmanConfig } from './config.js';
import { listUpgrades } from './list-upgrades.js';
import { parseSyncList } from './parse-sync-list.js';
import type { PendingUpgrade } from './parse-upgrades.js';
import { describePacmanFailure, runPacman } from './pacman-runner.js';
import { PACMAN_SEVERITY } from './severity.js';

/** Pending upgrades, held (ignored) ones marked, each with the repository it comes from. */
export async function scanPacman(
  ctx: PluginContext<PacmanConfig>,
  op: OperationContext,
): Promise<ScanResult> {
  const listing = await listUpgrades(ctx, op);
  const warnings = [...listing.warnings];
  const repositories = listing.upgrades.length
    ? await repositoriesOf(ctx, op, listing.dbPath, warnings)
    : new Map<string, string>();
  for (const warning of warnings) ctx.logger.warn(warning);
  return {
    packages: listing.upgrades.map((upgrade) => toRecord(upgrade, repositories.get(upgrade.name))),
    // A line we could not read may be a pending update we did not report: the core must not
    // take its absence as "installed" (DESIGN.md §3.5).
    complete: listing.complete,
    warnings,
  };
}

/**
 * `pacman -Sl`: -Qu does not say which repository an upgrade comes from. Only the source
 * field depends on it, so a failure is a warning and the scan stays complete.
 */
async function repositoriesOf(
  ctx: PluginContext<PacmanConfig>,
  op: OperationContext,
  dbPath: string | undefined,
  warnings: string[],
): Promise<Map<string, string>> {
  const result = await runPacman(ctx, op, {
    args: ['-Sl'],
    timeoutSeconds: ctx.config.commandTimeoutSeconds,
    ...(dbPath ? { dbPath } : {}),
  });
  if (!succeeded(result)) {
    warnings.push(`repositories unknown (pacman -Sl failed): ${describePacmanFailure(result)}`);
    return new Map();
  }
  const parsed = parseSyncList(result.stdout);
  if (parsed.unreadable) ctx.logger.debug(`${parsed.unreadable} unreadable line(s) in pacman -Sl`);
  return parsed.repositories;
}

function toRecord(upgrade: PendingUpgrade, repository: string | undefined): ScanPackage {
  return {
    plugin: 'pacman',
    name: upgrade.name,
    currentVersion: upgrade.currentVersion,
    availableVersion: upgrade.availableVersion,
    ...PACMAN_SEVERITY,
    source: repository ?? '',
    metadata: { repository: repository ?? null, held: upgrade.ignored },
  };
}
