import { type InstallOperation, runInstallSequence, succeeded, versionsNotReached } from '../sdk/index.js';
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
export const installDnf: InstallOperation<DnfConfig> = async (ctx, op, request, onProgress) => {
  const packages = dnfPackageArguments(request.packages);
  const tool = await requireTool(ctx);
  return runInstallSequence(request, onProgress, {
    held: async () => {
      const holds = await listHolds(ctx, op, tool);
      return request.packages.filter((ref) => holds.includes(ref.name)).map((ref) => ref.name);
    },
    heldRefusal: (names) =>
      `refusing to install held package(s) ${names}: run ${tool.kind} versionlock delete first`,
    plan: async () => ({ transaction: await dryRunDnf(ctx, op, { packages: request.packages }, tool) }),
    readInventory: () => readInstalled(ctx, op),
    run: async (_plan, report) => {
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
      return succeeded(result) ? null : describeDnfFailure(result);
    },
    changed: changedPackages,
    missed: ({ transaction }, after) =>
      versionsNotReached(
        transaction.upgrades,
        (u) => findInstalled(after, u.name, u.arch)?.evr,
        (now, planned) => compareEvr(now, planned) === 0,
      ),
    rebootStatus: () => rebootStatus(ctx, op, tool),
  });
};
