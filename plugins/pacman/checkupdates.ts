import { describeFailure, type OperationContext, type PluginContext } from '../sdk/index.js';
import type { PacmanConfig } from './config.js';
import { type ParsedUpgrades, parseUpgrades } from './parse-upgrades.js';
import { PACMAN_ENV } from './pacman-runner.js';

export type CheckupdatesOutcome =
  | { kind: 'absent' }
  | { kind: 'failed'; message: string }
  /** `dbPath`: the temporary database it synced, for the follow-up queries. */
  | { kind: 'listed'; parsed: ParsedUpgrades; dbPath: string };

/**
 * Where checkupdates keeps its synced copy of the databases. Its own default is under /tmp,
 * which any user can write to; the agent runs as root, so it gets a directory only root owns.
 */
export const CHECKUPDATES_DB = '/var/cache/redflag/checkup-db';

/**
 * Runs pacman-contrib's `checkupdates`. Its exit codes (fixtures README): 0 updates listed,
 * 2 no updates, 1 failure (`==> ERROR: Cannot fetch updates`); anything else is a failure too.
 * Never throws.
 */
export async function runCheckupdates(
  ctx: PluginContext<PacmanConfig>,
  op: OperationContext,
): Promise<CheckupdatesOutcome> {
  const result = await ctx.run(ctx.config.checkupdatesPath, [], {
    env: { ...PACMAN_ENV, CHECKUPDATES_DB },
    timeoutMs: ctx.config.syncTimeoutSeconds * 1000,
    signal: op.signal,
  });
  if (result.spawnError?.includes('ENOENT')) return { kind: 'absent' };
  if (result.exitCode === 2 && !result.timedOut && !result.aborted)
    return { kind: 'listed', parsed: { upgrades: [], warnings: [] }, dbPath: CHECKUPDATES_DB };
  if (result.exitCode === 0 && !result.timedOut && !result.aborted)
    return { kind: 'listed', parsed: parseUpgrades(result.stdout, 'checkupdates'), dbPath: CHECKUPDATES_DB };
  return { kind: 'failed', message: describeFailure(result) };
}
