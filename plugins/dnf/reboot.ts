import type { OperationContext, PluginContext, ProcessResult, RebootStatus } from '../sdk/index.js';
import type { DnfConfig } from './config.js';
import { describeDnfFailure, DNF_ENV, isUnknownCommand, runDnf } from './dnf-runner.js';
import { parseNeedsRestarting } from './parse-needs-restarting.js';
import { type DnfTool, findTool } from './tool.js';

const NOT_REQUIRED: RebootStatus = { required: false, packages: [], reasons: [] };

/**
 * Reboot needed? `needs-restarting -r`: exit 1 when a core package (kernel, glibc, systemd,
 * dbus, linux-firmware… and what `/etc/dnf/plugins/needs-restarting.d/` adds) was installed
 * after boot, 0 when not. dnf and dnf5 have it as a plugin command, yum (EL7) as a yum-utils
 * program. Absent, the answer is "not required", logged at debug: many hosts lack it.
 */
export async function rebootStatus(
  ctx: PluginContext<DnfConfig>,
  op: OperationContext,
  knownTool?: DnfTool,
): Promise<RebootStatus> {
  if (!ctx.config.checkReboot) return { ...NOT_REQUIRED };
  const tool = knownTool ?? (await findTool(ctx.config.tool));
  if (!tool) return { ...NOT_REQUIRED };
  const result = await runNeedsRestarting(ctx, op, tool);
  if (result.spawnError || isUnknownCommand(result, 'needs-restarting')) {
    ctx.logger.debug(`needs-restarting is not installed, so no reboot is reported (${tool.kind})`);
    return { ...NOT_REQUIRED };
  }
  const said = parseNeedsRestarting(result.stdout);
  if (result.exitCode === 0 && !result.timedOut && !result.aborted) return { ...NOT_REQUIRED };
  // Exit 1 is also dnf's exit for any error: believe it when the words agree, or when nothing
  // but the bare exit came out (dnf4 prints the packages on stdout and nothing on stderr).
  const errors = result.stderr.map((l) => l.trim()).filter(Boolean);
  if (result.exitCode === 1 && (said.required || (errors.length === 0 && !said.notRequired))) {
    const which = said.packages.length ? ` (${said.packages.join(', ')})` : '';
    return {
      required: true,
      packages: said.packages,
      reasons: [`needs-restarting -r: core libraries or services were updated since boot${which}`],
    };
  }
  ctx.logger.warn(`needs-restarting failed, reboot status unknown: ${describeDnfFailure(result)}`);
  return { ...NOT_REQUIRED };
}

function runNeedsRestarting(
  ctx: PluginContext<DnfConfig>,
  op: OperationContext,
  tool: DnfTool,
): Promise<ProcessResult> {
  const timeoutSeconds = Math.min(ctx.config.commandTimeoutSeconds, 100);
  if (tool.kind !== 'yum') return runDnf(ctx, op, tool, { args: ['needs-restarting', '-r'], timeoutSeconds });
  // yum-utils' needs-restarting reads the running system only: it has no install root.
  return ctx.run('needs-restarting', ['-r'], {
    env: DNF_ENV,
    timeoutMs: timeoutSeconds * 1000,
    signal: op.signal,
  });
}
