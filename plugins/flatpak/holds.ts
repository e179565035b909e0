import { type OperationContext, type PluginContext, requireSuccess } from '../sdk/index.js';
import type { FlatpakConfig } from './config.js';
import { runFlatpak } from './flatpak-runner.js';
import { parseMasks } from './masks.js';

/**
 * flatpak's holds are masks (`flatpak mask PATTERN`, flatpak ≥ 1.8): `flatpak update` leaves
 * masked refs alone. They are patterns (`org.gnome.*`), returned as they are.
 */
export async function listMasks(ctx: PluginContext<FlatpakConfig>, op: OperationContext): Promise<string[]> {
  const result = requireSuccess(
    await runFlatpak(ctx, op, { args: ['mask'], timeoutSeconds: ctx.config.commandTimeoutSeconds }),
    'could not read flatpak masks',
  );
  return parseMasks(result.stdout);
}
