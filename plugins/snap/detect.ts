import {
  describeFailure,
  type DetectResult,
  type OperationContext,
  type PluginContext,
} from '../sdk/index.js';
import type { SnapConfig } from './config.js';
import { runSnap } from './snap-runner.js';

/**
 * snap is usable when snapd answers. `snap version` works without the daemon and then says
 * `snapd unavailable` (captured on Debian 12 without systemd), so that line decides.
 */
export async function detectSnap(
  ctx: PluginContext<SnapConfig>,
  op: OperationContext,
): Promise<DetectResult> {
  const result = await runSnap(ctx, op, { args: ['version'], timeoutSeconds: 30 });
  if (result.spawnError) return { available: false, reason: 'snap is not installed' };
  if (result.exitCode !== 0) return { available: false, reason: describeFailure(result) };
  const snapd = result.stdout.map((l) => /^snapd\s+(\S+)$/.exec(l.trim())?.[1]).find(Boolean);
  if (!snapd || snapd === 'unavailable')
    return {
      available: false,
      reason: 'snap is installed but snapd is not running (snap version: snapd unavailable)',
    };
  return { available: true, version: snapd };
}
