import { readdir } from 'node:fs/promises';
import { release } from 'node:os';
import type { PluginContext, RebootStatus } from '../sdk/index.js';
import type { PacmanConfig } from './config.js';

/**
 * pacman keeps no reboot flag. Arch's kernel packages replace the running kernel's modules
 * directory (`/usr/lib/modules/<release>`) on upgrade, so a running kernel without one was
 * upgraded away: until a reboot, loading a module fails. A host without a modules directory
 * (a container) never needs one for pacman's sake.
 */
export async function rebootStatus(
  ctx: PluginContext<PacmanConfig>,
  running = release(),
): Promise<RebootStatus> {
  const dir = ctx.config.kernelModulesDir;
  let kernels: string[];
  try {
    kernels = await readdir(dir);
  } catch {
    return { required: false, packages: [], reasons: [] };
  }
  if (kernels.length === 0 || kernels.includes(running))
    return { required: false, packages: [], reasons: [] };
  return {
    required: true,
    packages: [],
    reasons: [
      `the running kernel ${running} has no modules in ${dir} any more (installed: ${kernels.join(', ')})`,
    ],
  };
}
