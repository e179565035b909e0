import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  describeFailure,
  type DetectResult,
  errorMessage,
  type OperationContext,
  type PluginContext,
} from '../sdk/index.js';
import type { PacmanConfig } from './config.js';
import { readPacmanConf } from './pacman-conf.js';
import { PACMAN_ENV } from './pacman-runner.js';

/**
 * pacman is usable when it runs and its local database lists packages. Debian ships pacman
 * too, so "installed" is not enough. The database is read as a directory, not through pacman:
 * pacman creates an empty database where there is none, and detecting must change nothing.
 */
export async function detectPacman(
  ctx: PluginContext<PacmanConfig>,
  op: OperationContext,
): Promise<DetectResult> {
  const result = await ctx.run('pacman', ['--version'], {
    env: PACMAN_ENV,
    timeoutMs: 30_000,
    signal: op.signal,
  });
  if (result.spawnError) return { available: false, reason: 'pacman is not installed' };
  if (result.exitCode !== 0) return { available: false, reason: describeFailure(result) };
  const version = /Pacman v(\S+)/.exec(result.stdout.join('\n'))?.[1];

  let dbPath: string;
  try {
    dbPath = ctx.config.dbPath || (await readPacmanConf(ctx, op, 'DBPath'))[0] || '/var/lib/pacman';
  } catch (error) {
    return { available: false, reason: errorMessage(error) };
  }
  const local = join(dbPath, 'local');
  const packages = await countPackages(local);
  if (packages === 0)
    return {
      available: false,
      reason: `pacman is installed but its database ${local} lists no packages (not an Arch-based system?)`,
      ...(version ? { version } : {}),
    };
  return version ? { available: true, version } : { available: true };
}

/** One directory per installed package (`name-version/`) beside ALPM_DB_VERSION. */
async function countPackages(local: string): Promise<number> {
  try {
    const entries = await readdir(local, { withFileTypes: true });
    return entries.filter((e) => e.isDirectory()).length;
  } catch {
    return 0;
  }
}
