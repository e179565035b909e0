import { type DetectResult, type OperationContext, type PluginContext, PluginError } from '../sdk/index.js';
import type { DnfConfig } from './config.js';
import { describeDnfFailure, DNF_ENV } from './dnf-runner.js';
import { type DnfTool, findTool } from './tool.js';

/**
 * dnf is usable when one of dnf5, dnf, yum is on PATH and answers `--version`: dnf4 and yum
 * print the bare version first (`4.14.0`), dnf5 `dnf5 version 5.2.8.1`.
 */
export async function detectDnf(ctx: PluginContext<DnfConfig>, op: OperationContext): Promise<DetectResult> {
  const tool = await findTool(ctx.config.tool);
  if (!tool) return { available: false, reason: notFound(ctx.config.tool) };
  // --version only: no install root or repository options, it reads no repository.
  const result = await ctx.run(tool.path, ['--version'], {
    env: DNF_ENV,
    timeoutMs: 30_000,
    signal: op.signal,
  });
  if (result.exitCode !== 0 || result.spawnError)
    return { available: false, reason: describeDnfFailure(result) };
  const version = /(?:^|\bversion )(\d+(?:\.\d+)+)\b/.exec(
    result.stdout.map((l) => l.trim()).join('\n'),
  )?.[1];
  ctx.logger.info(`using ${tool.kind} at ${tool.path}${version ? ` (${version})` : ''}`);
  return version ? { available: true, version } : { available: true };
}

/** The front end every other operation uses; PluginError when none is installed. */
export async function requireTool(ctx: PluginContext<DnfConfig>): Promise<DnfTool> {
  const tool = await findTool(ctx.config.tool);
  if (!tool) throw new PluginError(notFound(ctx.config.tool), { code: 'not-installed' });
  return tool;
}

function notFound(preference: DnfConfig['tool']): string {
  return preference === 'auto'
    ? 'none of dnf5, dnf, yum is installed (searched PATH)'
    : `${preference} is not installed (searched PATH)`;
}
