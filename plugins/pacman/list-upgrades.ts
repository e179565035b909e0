import { errorMessage, type OperationContext, type PluginContext } from '../sdk/index.js';
import { type CheckupdatesOutcome, runCheckupdates } from './checkupdates.js';
import { canUseCheckupdates, type PacmanConfig } from './config.js';
import type { PendingUpgrade } from './parse-upgrades.js';
import { queryUpgrades } from './query.js';
import { syncDatabases } from './sync.js';

export interface UpgradeListing {
  upgrades: PendingUpgrade[];
  /** False when a line could not be read or the held packages could not be listed. */
  complete: boolean;
  warnings: string[];
  /** The database the list came from, when not the configured one (checkupdates' copy). */
  dbPath?: string;
}

/**
 * Every pending upgrade, held ones included. checkupdates first (it syncs a private copy of the
 * databases and leaves the system's alone); without it, `pacman -Sy` then `pacman -Qu`.
 */
export async function listUpgrades(
  ctx: PluginContext<PacmanConfig>,
  op: OperationContext,
): Promise<UpgradeListing> {
  if (canUseCheckupdates(ctx.config)) {
    const outcome = await runCheckupdates(ctx, op);
    if (outcome.kind === 'listed') return withHeld(ctx, op, outcome);
    if (outcome.kind === 'failed')
      // Not pacman -Sy instead: that would leave the system's databases newer than its packages.
      return fromDatabasesOnDisk(ctx, op, [
        `checkupdates failed, so this scan used the sync databases already on disk: ${outcome.message}`,
      ]);
    ctx.logger.debug(`${ctx.config.checkupdatesPath} is not installed: scanning with pacman -Sy and -Qu`);
  }
  const warnings = ctx.config.refreshDatabases ? await syncDatabases(ctx, op) : [];
  return fromDatabasesOnDisk(ctx, op, warnings);
}

/** checkupdates drops `[ignored]` lines: the held packages come from its database, with pacman -Qu. */
async function withHeld(
  ctx: PluginContext<PacmanConfig>,
  op: OperationContext,
  listed: Extract<CheckupdatesOutcome, { kind: 'listed' }>,
): Promise<UpgradeListing> {
  const warnings = [...listed.parsed.warnings];
  let held: PendingUpgrade[] = [];
  let heldKnown = true;
  try {
    const all = await queryUpgrades(ctx, op, { dbPath: listed.dbPath });
    held = all.upgrades.filter((u) => u.ignored);
    warnings.push(...all.warnings);
  } catch (error) {
    heldKnown = false;
    warnings.push(`held (ignored) packages unknown: ${errorMessage(error)}`);
  }
  return {
    upgrades: [...listed.parsed.upgrades, ...held],
    // A missing held package would read as "installed elsewhere" to the core (DESIGN.md §3.5).
    complete: heldKnown && warnings.length === 0,
    warnings,
    dbPath: listed.dbPath,
  };
}

async function fromDatabasesOnDisk(
  ctx: PluginContext<PacmanConfig>,
  op: OperationContext,
  warnings: string[],
): Promise<UpgradeListing> {
  const parsed = await queryUpgrades(ctx, op);
  return {
    upgrades: parsed.upgrades,
    complete: parsed.warnings.length === 0,
    warnings: [...warnings, ...parsed.warnings],
  };
}
