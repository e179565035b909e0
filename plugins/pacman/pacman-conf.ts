import { type OperationContext, type PluginContext, requireSuccess } from '../sdk/index.js';
import type { PacmanConfig } from './config.js';
import { PACMAN_ENV } from './pacman-runner.js';

/**
 * The values of one pacman.conf directive (`IgnorePkg`, `DBPath`), as pacman itself reads the
 * file, includes and defaults: `pacman-conf`, never a parser of our own.
 */
export async function readPacmanConf(
  ctx: PluginContext<PacmanConfig>,
  op: OperationContext,
  directive: 'IgnorePkg' | 'IgnoreGroup' | 'DBPath',
): Promise<string[]> {
  const args = [
    ...(ctx.config.config ? [`--config=${ctx.config.config}`] : []),
    ...(ctx.config.root ? [`--rootdir=${ctx.config.root}`] : []),
    directive,
  ];
  const result = requireSuccess(
    await ctx.run('pacman-conf', args, {
      env: PACMAN_ENV,
      timeoutMs: ctx.config.commandTimeoutSeconds * 1000,
      signal: op.signal,
    }),
    'could not read pacman.conf',
  );
  return result.stdout.map((l) => l.trim()).filter(Boolean);
}
