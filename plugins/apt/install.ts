import {
  describeFailure,
  diffTransactions,
  type InstallProgress,
  type InstallRequest,
  type InstallResult,
  type OperationContext,
  type PluginContext,
  PluginError,
  succeeded,
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
export async function installApt(
  ctx: PluginContext<AptConfig>,
  op: OperationContext,
  request: InstallRequest,
  onProgress: (progress: InstallProgress) => void,
): Promise<InstallResult> {
  const packages = aptPackageArguments(request.packages);
  const holds = await listHolds(ctx, op);
  const held = request.packages.filter((ref) => isHeld(holds, ref.name, ref.arch)).map((ref) => ref.name);
  if (held.length)
    throw new PluginError(
      `refusing to install held package(s) ${held.join(', ')}: run apt-mark unhold first`,
      {
        code: 'held',
        details: { held },
      },
    );

  const transaction = await dryRunApt(ctx, op, { packages: request.packages });
  if (request.expected) {
    const differences = diffTransactions(request.expected, transaction);
    if (differences.length)
      throw new PluginError(`the transaction changed since it was confirmed: ${differences.join(', ')}`, {
        code: 'transaction-changed',
        details: { differences },
      });
  }
  const touched = [...transaction.upgrades, ...transaction.newPackages, ...transaction.removals].map(
    (i) => i.name,
  );
  if (touched.length === 0) {
    return { changed: [], rebootRequired: await rebootStatus(ctx, op), warnings: transaction.warnings };
  }

  const before = await installedVersions(ctx, op, touched);
  const output = (line: string) => {
    if (line.trim()) onProgress({ stage: 'output', message: line });
  };
  // issue 21 §6: the archives first, on their own; a cancel until they are all here stops the
  // install with nothing changed. Past this point dpkg changes the system: no stopping it.
  await downloadArchives(ctx, op, packages, onProgress, output);
  op.pointOfNoReturn();
  const result = await runApt(ctx, op, {
    program: 'apt-get',
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
    packages,
    timeoutSeconds: ctx.config.installTimeoutSeconds,
    waitForLock: true,
    nativeLockWait: true,
    env: { UCF_FORCE_CONFFOLD: '1', NEEDRESTART_MODE: 'l', APT_LISTCHANGES_FRONTEND: 'none' },
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
  const after = await installedVersions(ctx, op, touched);
  const changed = changedPackages(before, after);
  if (!succeeded(result)) {
    const interrupted = result.stdout.concat(result.stderr).some((l) => l.includes('dpkg --configure -a'));
    throw new PluginError(
      `${describeFailure(result)}${interrupted ? ' (dpkg was interrupted: run dpkg --configure -a)' : ''}`,
      { code: 'install-failed', details: { changed } },
    );
  }
  const warnings = [...transaction.warnings];
  for (const upgrade of transaction.upgrades) {
    const now = after.get(`${upgrade.name}:${upgrade.arch}`);
    if (now?.version !== upgrade.toVersion)
      warnings.push(
        `${upgrade.name} is at ${now?.version ?? 'nothing'} after the install, not ${upgrade.toVersion}`,
      );
  }
  return { changed, rebootRequired: await rebootStatus(ctx, op), warnings };
}

/** `apt-get install --download-only`: the archives into apt's cache, the system unchanged. */
async function downloadArchives(
  ctx: PluginContext<AptConfig>,
  op: OperationContext,
  packages: string[],
  onProgress: (progress: InstallProgress) => void,
  output: (line: string) => void,
): Promise<void> {
  const result = await runApt(ctx, op, {
    program: 'apt-get',
    args: ['install', '--only-upgrade', '--download-only', '-y', '-q', '-o', 'APT::Status-Fd=3'],
    packages,
    timeoutSeconds: ctx.config.installTimeoutSeconds,
    waitForLock: true,
    nativeLockWait: true,
    env: { APT_LISTCHANGES_FRONTEND: 'none' },
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
  if (!succeeded(result))
    throw new PluginError(
      `downloading the packages failed, nothing was changed: ${describeFailure(result)}`,
      {
        code: 'download-failed',
      },
    );
}
