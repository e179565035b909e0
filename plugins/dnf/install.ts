import {
  diffTransactions,
  type InstallProgress,
  type InstallRequest,
  type InstallResult,
  type OperationContext,
  type PluginContext,
  PluginError,
  succeeded,
} from '../sdk/index.js';
import type { DnfConfig } from './config.js';
import { requireTool } from './detect.js';
import { describeDnfFailure, runDnf } from './dnf-runner.js';
import { dryRunDnf, upgradeOptions } from './dry-run.js';
import { listHolds } from './holds.js';
import { changedPackages, findInstalled, readInstalled } from './installed.js';
import { dnfPackageArguments } from './package-names.js';
import { parseProgressLine } from './parse-progress.js';
import { rebootStatus } from './reboot.js';
import { compareEvr } from './rpm-version.js';

/**
 * Installs upgrades with `dnf upgrade -y`, unattended (stdin closed, `-y` answers the one
 * question). Refuses held packages, and a transaction that no longer matches the one a person
 * confirmed. Reports what the rpm database says changed, not what dnf meant to do.
 */
export async function installDnf(
  ctx: PluginContext<DnfConfig>,
  op: OperationContext,
  request: InstallRequest,
  onProgress: (progress: InstallProgress) => void,
): Promise<InstallResult> {
  const packages = dnfPackageArguments(request.packages);
  const tool = await requireTool(ctx);
  const holds = await listHolds(ctx, op, tool);
  const held = request.packages.filter((ref) => holds.includes(ref.name)).map((ref) => ref.name);
  if (held.length)
    throw new PluginError(
      `refusing to install held package(s) ${held.join(', ')}: run ${tool.kind} versionlock delete first`,
      { code: 'held', details: { held } },
    );

  const transaction = await dryRunDnf(ctx, op, { packages: request.packages }, tool);
  if (request.expected) {
    const differences = diffTransactions(request.expected, transaction);
    if (differences.length)
      throw new PluginError(`the transaction changed since it was confirmed: ${differences.join(', ')}`, {
        code: 'transaction-changed',
        details: { differences },
      });
  }
  if (transaction.upgrades.length + transaction.newPackages.length + transaction.removals.length === 0)
    return { changed: [], rebootRequired: await rebootStatus(ctx, op, tool), warnings: transaction.warnings };

  const before = await readInstalled(ctx, op);
  const report = (progress: InstallProgress) => {
    try {
      onProgress(progress);
    } catch {
      // progress reporting must not break the install
    }
  };
  const output = (line: string) => {
    if (!line.trim()) return;
    const step = parseProgressLine(line);
    if (step) report(step);
    report({ stage: 'output', message: line });
  };
  const result = await runDnf(ctx, op, tool, {
    args: ['upgrade', '-y', ...upgradeOptions(tool)],
    packages,
    timeoutSeconds: ctx.config.installTimeoutSeconds,
    onStdoutLine: output,
    onStderrLine: output,
  });
  const after = await readInstalled(ctx, op);
  const changed = changedPackages(before, after);
  if (!succeeded(result))
    throw new PluginError(describeDnfFailure(result), { code: 'install-failed', details: { changed } });

  const warnings = [...transaction.warnings];
  for (const upgrade of transaction.upgrades) {
    const now = findInstalled(after, upgrade.name, upgrade.arch)?.evr;
    if (!now || !upgrade.toVersion || compareEvr(now, upgrade.toVersion) !== 0)
      warnings.push(
        `${upgrade.name} is at ${now ?? 'nothing'} after the install, not ${upgrade.toVersion ?? '?'}`,
      );
  }
  return { changed, rebootRequired: await rebootStatus(ctx, op, tool), warnings };
}
