import {
  describeFailure,
  type DetectResult,
  type OperationContext,
  type PluginContext,
} from '../sdk/index.js';
import { runApt } from './apt-runner.js';
import type { AptConfig } from './config.js';

/** apt is usable when `apt-get --version` runs; its first line is `apt 2.6.1 (amd64)`. */
export async function detectApt(ctx: PluginContext<AptConfig>, op: OperationContext): Promise<DetectResult> {
  const result = await runApt(ctx, op, { program: 'apt-get', args: ['--version'], timeoutSeconds: 30 });
  if (result.spawnError) return { available: false, reason: 'apt-get is not installed' };
  if (result.exitCode !== 0) return { available: false, reason: describeFailure(result) };
  const version = /^apt (\S+)/.exec(result.stdout[0] ?? '')?.[1];
  return version ? { available: true, version } : { available: true };
}
