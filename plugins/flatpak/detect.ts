import {
  describeFailure,
  type DetectResult,
  type OperationContext,
  type PluginContext,
} from '../sdk/index.js';
import type { FlatpakConfig } from './config.js';
import { FLATPAK_ENV } from './flatpak-runner.js';

/** flatpak is usable when `flatpak --version` runs: `Flatpak 1.14.10`. */
export async function detectFlatpak(
  ctx: PluginContext<FlatpakConfig>,
  op: OperationContext,
): Promise<DetectResult> {
  const result = await ctx.run('flatpak', ['--version'], {
    env: FLATPAK_ENV,
    timeoutMs: 30_000,
    signal: op.signal,
  });
  if (result.spawnError) return { available: false, reason: 'flatpak is not installed' };
  if (result.exitCode !== 0) return { available: false, reason: describeFailure(result) };
  const version = /^Flatpak (\S+)/.exec(result.stdout[0] ?? '')?.[1];
  return version ? { available: true, version } : { available: true };
}
