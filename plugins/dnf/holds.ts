import { type OperationContext, type PluginContext, PluginError, succeeded } from '../sdk/index.js';
import type { DnfConfig } from './config.js';
import { requireTool } from './detect.js';
import { describeDnfFailure, isUnknownCommand, runDnf } from './dnf-runner.js';
import { parseVersionlock } from './parse-versionlock.js';
import type { DnfTool } from './tool.js';

/**
 * Held packages: the versionlock plugin's locks (`versionlock list`). Without the plugin
 * nothing can be locked, so there are no holds; any other failure is an error (an install must
 * not go ahead while the holds are unknown).
 */
export async function listHolds(
  ctx: PluginContext<DnfConfig>,
  op: OperationContext,
  knownTool?: DnfTool,
): Promise<string[]> {
  const tool = knownTool ?? (await requireTool(ctx));
  const result = await runDnf(ctx, op, tool, {
    args: ['-q', 'versionlock', 'list'],
    timeoutSeconds: ctx.config.commandTimeoutSeconds,
  });
  if (!succeeded(result)) {
    if (!result.timedOut && !result.aborted && isUnknownCommand(result, 'versionlock')) {
      ctx.logger.debug(`${tool.kind} has no versionlock plugin, so no package can be held`);
      return [];
    }
    throw new PluginError(`could not read held packages: ${describeDnfFailure(result)}`, {
      code: 'command-failed',
    });
  }
  const parsed = parseVersionlock(result.stdout);
  for (const warning of parsed.warnings) ctx.logger.warn(warning);
  return parsed.names;
}
