import {
  diffTransactions,
  type InstallProgress,
  type InstallRequest,
  type InstallResult,
  type OperationContext,
  type PluginContext,
  PluginError,
  succeeded,
  type Transaction,
} from '../sdk/index.js';
import type { PacmanConfig } from './config.js';
import { dryRunPacman } from './dry-run.js';
import { heldAmong } from './holds.js';
import { pacmanTargets } from './package-names.js';
import { parseProgressLine } from './parse-progress.js';
import { describePacmanFailure, isLockFailure, lockDescription, runPacman } from './pacman-runner.js';
import { changedPackages, installedVersions } from './query.js';
import { rebootStatus } from './reboot.js';

/**
 * Installs with `pacman -Su` (upgradeScope system) or `pacman -S --needed -- <packages>`
 * (packages), `--noconfirm`. Refuses held packages, a transaction that no longer matches the
 * one a person confirmed, and a system upgrade that would upgrade more than was asked for
 * without a confirmed transaction.
 */
export async function installPacman(
  ctx: PluginContext<PacmanConfig>,
  op: OperationContext,
  request: InstallRequest,
  onProgress: (progress: InstallProgress) => void,
): Promise<InstallResult> {
  const names = pacmanTargets(request.packages);
  // The dry run refreshes the databases first, so this check and it see the same ones.
  const transaction = await dryRunPacman(ctx, op, { packages: request.packages });
  const held = await heldAmong(ctx, op, names);
  if (held.length)
    throw new PluginError(
      `refusing to install held package(s) ${held.join(', ')}: remove them from IgnorePkg/IgnoreGroup in pacman.conf first`,
      { code: 'held', details: { held } },
    );
  refuseUnconfirmed(ctx.config, request, transaction);

  const touched = [...transaction.upgrades, ...transaction.newPackages].map((i) => i.name);
  if (touched.length === 0)
    return { changed: [], rebootRequired: await rebootStatus(ctx), warnings: transaction.warnings };

  const before = await installedVersions(ctx, op, touched);
  let steps = 0;
  const output = (line: string) => {
    const progress = parseProgressLine(line, steps, touched.length);
    if (!progress) return;
    if (progress.stage === 'install') steps++;
    onProgress(progress);
  };
  const system = ctx.config.upgradeScope === 'system';
  // Only packages that are installed and have an upgrade: `pacman -S` would install any other name.
  const targets = names.filter((name) => transaction.upgrades.some((u) => u.name === name));
  const result = await runPacman(ctx, op, {
    args: system
      ? ['-S', '-u', '--noconfirm', '--noprogressbar']
      : ['-S', '--needed', '--noconfirm', '--noprogressbar'],
    ...(system ? {} : { targets }),
    timeoutSeconds: ctx.config.installTimeoutSeconds,
    waitForLock: true,
    onStdoutLine: output,
    onStderrLine: output,
    onLockWait: (message) =>
      onProgress({ stage: 'waiting', message: `waiting for the database lock: ${message}` }),
  });
  if (isLockFailure(result))
    throw new PluginError(
      `gave up after waiting ${ctx.config.lockTimeoutSeconds} s: ${lockDescription(result, ctx.config)}; if no pacman is running, remove the lock file`,
      { code: 'lock-timeout' },
    );
  const after = await installedVersions(ctx, op, touched);
  const changed = changedPackages(before, after);
  if (!succeeded(result))
    throw new PluginError(describePacmanFailure(result), { code: 'install-failed', details: { changed } });

  const warnings = [...transaction.warnings];
  for (const item of [...transaction.upgrades, ...transaction.newPackages])
    if (after.get(item.name) !== item.toVersion)
      warnings.push(
        `${item.name} is at ${after.get(item.name) ?? 'nothing'} after the install, not ${item.toVersion}`,
      );
  return { changed, rebootRequired: await rebootStatus(ctx), warnings };
}

/** The install must do what was confirmed (DESIGN.md §3.7), and a system upgrade nothing unasked. */
function refuseUnconfirmed(config: PacmanConfig, request: InstallRequest, transaction: Transaction): void {
  if (request.expected) {
    const differences = diffTransactions(request.expected, transaction);
    if (differences.length)
      throw new PluginError(`the transaction changed since it was confirmed: ${differences.join(', ')}`, {
        code: 'transaction-changed',
        details: { differences },
      });
    return;
  }
  const requested = new Set(request.packages.map((p) => p.name));
  const unasked = transaction.upgrades.filter((u) => !requested.has(u.name)).map((u) => u.name);
  if (config.upgradeScope === 'system' && unasked.length)
    throw new PluginError(
      `a system upgrade would also upgrade ${unasked.join(', ')}: confirm the dry run's transaction, or name them`,
      { code: 'unconfirmed-upgrades', details: { unasked } },
    );
  for (const ref of request.packages) {
    const upgrade = transaction.upgrades.find((u) => u.name === ref.name);
    if (ref.version !== undefined && upgrade && upgrade.toVersion !== ref.version)
      throw new PluginError(
        `${ref.name} ${ref.version} was approved, but the repositories now offer ${upgrade.toVersion}`,
        { code: 'version-changed' },
      );
  }
}
