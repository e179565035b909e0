import {
  countingProgress,
  type InstallOperation,
  type InstallRequest,
  packagesTouched,
  PluginError,
  runInstallSequence,
  succeeded,
  type Transaction,
  versionsNotReached,
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
export const installPacman: InstallOperation<PacmanConfig> = async (ctx, op, request, onProgress) => {
  const names = pacmanTargets(request.packages);
  return runInstallSequence(request, onProgress, {
    // The dry run refreshes the databases first, so the holds (IgnoreGroup too) and it see the same ones.
    plan: async () => {
      const transaction = await dryRunPacman(ctx, op, { packages: request.packages });
      return { transaction, held: await heldAmong(ctx, op, names) };
    },
    heldRefusal: (held) =>
      `refusing to install held package(s) ${held}: remove them from IgnorePkg/IgnoreGroup in pacman.conf first`,
    checkUnconfirmed: ({ transaction }) => refuseUnasked(ctx.config, request, transaction),
    // pacman cannot pin a version: the repositories carry one, and it may have moved on.
    offeredBy: 'the repositories now offer',
    readInventory: ({ transaction }) => installedVersions(ctx, op, packagesTouched(transaction)),
    run: async ({ transaction }, report) => {
      const output = countingProgress(parseProgressLine, packagesTouched(transaction).length, report);
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
          report({ stage: 'waiting', message: `waiting for the database lock: ${message}` }),
      });
      if (isLockFailure(result))
        throw new PluginError(
          `gave up after waiting ${ctx.config.lockTimeoutSeconds} s: ${lockDescription(result, ctx.config)}; if no pacman is running, remove the lock file`,
          { code: 'lock-timeout' },
        );
      return succeeded(result) ? null : describePacmanFailure(result);
    },
    changed: changedPackages,
    missed: ({ transaction }, after) =>
      versionsNotReached([...transaction.upgrades, ...transaction.newPackages], (i) => after.get(i.name)),
    rebootStatus: () => rebootStatus(ctx),
  });
};

/** Without a confirmed transaction, a system upgrade must do nothing unasked (DESIGN.md §3.7). */
function refuseUnasked(config: PacmanConfig, request: InstallRequest, transaction: Transaction): void {
  const requested = new Set(request.packages.map((p) => p.name));
  const unasked = transaction.upgrades.filter((u) => !requested.has(u.name)).map((u) => u.name);
  if (config.upgradeScope === 'system' && unasked.length)
    throw new PluginError(
      `a system upgrade would also upgrade ${unasked.join(', ')}: confirm the dry run's transaction, or name them`,
      { code: 'unconfirmed-upgrades', details: { unasked } },
    );
}
