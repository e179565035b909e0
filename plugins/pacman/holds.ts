import type { OperationContext, PluginContext } from '../sdk/index.js';
import type { PacmanConfig } from './config.js';
import { readPacmanConf } from './pacman-conf.js';
import { queryUpgrades } from './query.js';

/**
 * pacman's holds are `IgnorePkg` in pacman.conf: entries may be glob patterns (`linux*`).
 * `IgnoreGroup` holds whole groups; the scan's `[ignored]` marks cover both.
 */
export async function listHolds(ctx: PluginContext<PacmanConfig>, op: OperationContext): Promise<string[]> {
  return readPacmanConf(ctx, op, 'IgnorePkg');
}

/**
 * Which of these packages pacman would skip as ignored: pacman applies IgnorePkg, IgnoreGroup
 * and their globs itself and marks each pending upgrade `[ignored]`, so no pattern matching here.
 */
export async function heldAmong(
  ctx: PluginContext<PacmanConfig>,
  op: OperationContext,
  names: readonly string[],
): Promise<string[]> {
  const pending = await queryUpgrades(ctx, op, { targets: [...names] });
  return pending.upgrades.filter((u) => u.ignored).map((u) => u.name);
}
