import {
  describeFailure,
  type OperationContext,
  type PluginContext,
  PluginError,
  succeeded,
} from '../sdk/index.js';
import type { FlatpakConfig } from './config.js';
import { runFlatpak } from './flatpak-runner.js';
import { parseMasks } from './masks.js';

/**
 * flatpak's holds are masks (`flatpak mask PATTERN`, flatpak ≥ 1.8): `flatpak update` leaves
 * masked refs alone. They are patterns (`org.gnome.*`), returned as they are.
 */
export async function listMasks(ctx: PluginContext<FlatpakConfig>, op: OperationContext): Promise<string[]> {
  const result = await runFlatpak(ctx, op, {
    args: ['mask'],
    timeoutSeconds: ctx.config.commandTimeoutSeconds,
  });
  if (!succeeded(result))
    throw new PluginError(`could not read flatpak masks: ${describeFailure(result)}`, {
      code: 'command-failed',
    });
  return parseMasks(result.stdout);
}
