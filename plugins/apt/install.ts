import {
  describeFailure,
  type InstallOperation,
  type InstallProgress,
  type OperationContext,
  packagesTouched,
  type PluginContext,
  PluginError,
  type ProcessResult,
  runInstallSequence,
  succeeded,
  versionsNotReached,
} from '../sdk/index.js';
import { isLockFailure, lockHolder, runApt } from './apt-runner.js';
import type { AptConfig } from './config.js';
import { changedPackages, installedVersions } from './dpkg-status.js';
import { dryRunApt } from './dry-run.js';
import { isHeld, listHolds } from './holds.js';
import { aptPackageArguments } from './package-names.js';
import { parseStatusLine } from './parse-status-fd.js';
import { rebootStatus } from './reboot.js';

/**
 * Installs upgrades with `apt-get install --only-upgrade -y`, unattended: no prompts, existing
 * config files kept (dpkg and ucf), services left alone (needrestart lists, never restarts).
 * Refuses held packages, and a transaction that no longer matches the one a person confirmed.
 */
export const installApt: InstallOperation<AptConfig> = async (ctx, op, request, onProgress) => {
  const packages = aptPackageArguments(request.packages);
  return runInstallSequence(request, onProgress, {
    held: async () => {
      const holds = await listHolds(ctx, op);
      return request.packages.filter((ref) => isHeld(holds, ref.name, ref.arch)).map((ref) => ref.name);
    },
    heldRefusal: (names) => `refusing to install held package(s) ${names}: run apt-mark unhold first`,
    plan: async () => ({ transaction: await dryRunApt(ctx, op, { packages: request.packages }) }),
    readInventory: ({ transaction }) => installedVersions(ctx, op, packagesTouched(transaction)),
    run: (_plan, report) => runInstall(ctx, op, packages, report),
    changed: changedPackages,
    missed: ({ transaction }, after) =>
      versionsNotReached(transaction.upgrades, (u) => after.get(`${u.name}:${u.arch}`)?.version),
    rebootStatus: () => rebootStatus(ctx, op),
  });
};

/** `apt-get install`, progress from its status fd; what failed, or null. */
async function runInstall(
  ctx: PluginContext<AptConfig>,
  op: OperationContext,
  packages: string[],
  onProgress: (progress: InstallProgress) => void,
): Promise<string | null> {
  // issue 21 §6: the archives first, on their own; a cancel until they are all here stops the
  // install with nothing changed. Past this point dpkg changes the system: no stopping it.
  const download = await aptGetInstall(ctx, op, packages, onProgress, {
    args: ['install', '--only-upgrade', '--download-only', '-y', '-q', '-o', 'APT::Status-Fd=3'],
    env: { APT_LISTCHANGES_FRONTEND: 'none' },
  });
  if (!succeeded(download))
    throw new PluginError(
      `downloading the packages failed, nothing was changed: ${describeFailure(download)}`,
      {
        code: 'download-failed',
      },
    );
  op.pointOfNoReturn();
  const result = await aptGetInstall(ctx, op, packages, onProgress, {
    args: [
      'install',
      '--only-upgrade',
      '-y',
      '-q',
      '-o',
      'APT::Status-Fd=3',
      // Keep the config files the administrator changed; take the new one only where they did not.
      '-o',
      'Dpkg::Options::=--force-confdef',
      '-o',
      'Dpkg::Options::=--force-confold',
      '-o',
      'Dpkg::Use-Pty=0',
    ],
    env: { UCF_FORCE_CONFFOLD: '1', NEEDRESTART_MODE: 'l', APT_LISTCHANGES_FRONTEND: 'none' },
  });
  if (succeeded(result)) return null;
  const interrupted = result.stdout.concat(result.stderr).some((l) => l.includes('dpkg --configure -a'));
  return `${describeFailure(result)}${interrupted ? ' (dpkg was interrupted: run dpkg --configure -a)' : ''}`;
}

/**
 * `apt-get` with `args` (an install or a download), waiting for apt's lock, progress from its
 * status fd and its output; a lock that never came free is an error.
 */
async function aptGetInstall(
  ctx: PluginContext<AptConfig>,
  op: OperationContext,
  packages: string[],
  onProgress: (progress: InstallProgress) => void,
  call: { args: string[]; env: Record<string, string> },
): Promise<ProcessResult> {
  const output = (line: string) => {
    if (line.trim()) onProgress({ stage: 'output', message: line });
  };
  const result = await runApt(ctx, op, {
    program: 'apt-get',
    args: call.args,
    packages,
    timeoutSeconds: ctx.config.installTimeoutSeconds,
    waitForLock: true,
    nativeLockWait: true,
    env: call.env,
    onStatusLine: (line) => {
      const progress = parseStatusLine(line);
      if (progress) onProgress(progress);
    },
    onStdoutLine: output,
    onStderrLine: output,
    onLockWait: (message) => onProgress({ stage: 'waiting', message: `waiting for a lock: ${message}` }),
  });
  if (isLockFailure(result))
    throw new PluginError(
      `gave up after waiting ${ctx.config.lockTimeoutSeconds} s for the package manager lock: ${lockHolder(result)}`,
      { code: 'lock-timeout' },
    );
  return result;
}
