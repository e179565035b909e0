import { type OperationContext, type PluginContext, succeeded } from '../sdk/index.js';
import type { PacmanConfig } from './config.js';
import { describePacmanFailure, isLockFailure, lockDescription, runPacman } from './pacman-runner.js';

/**
 * `pacman -Sy`: refreshes the sync databases. Returns warnings, never throws: a failed refresh
 * (network, a broken mirror, a lock that stayed busy) leaves the databases on disk, which are
 * complete, only older.
 */
export async function syncDatabases(
  ctx: PluginContext<PacmanConfig>,
  op: OperationContext,
): Promise<string[]> {
  const result = await runPacman(ctx, op, {
    args: ['-Sy'],
    timeoutSeconds: ctx.config.syncTimeoutSeconds,
    waitForLock: true,
    onLockWait: (message) => ctx.logger.info(`pacman -Sy waits: ${message}`),
  });
  if (succeeded(result)) return [];
  const why = isLockFailure(result) ? lockDescription(result, ctx.config) : describePacmanFailure(result);
  return [`pacman -Sy failed, so the sync databases already on disk were used: ${why}`];
}
