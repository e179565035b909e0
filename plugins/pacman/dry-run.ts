import {
  type DryRunRequest,
  emptyTransaction,
  type OperationContext,
  type PluginContext,
  PluginError,
  succeeded,
  type Transaction,
} from '../sdk/index.js';
import type { PacmanConfig } from './config.js';
import { heldAmong } from './holds.js';
import { pacmanTargets } from './package-names.js';
import { type PrintedPackage, parsePrint, PRINT_FORMAT } from './parse-print.js';
import { describePacmanFailure, runPacman } from './pacman-runner.js';
import { installedVersions } from './query.js';
import { syncDatabases } from './sync.js';

/**
 * What the install would do, from pacman's print mode (`-p`, no lock, nothing changes):
 * `upgradeScope: system` prints the whole system upgrade (`-Sup`), so every pending upgrade a
 * person did not approve shows up here; `packages` prints the requested ones and the
 * dependencies they pull in (`-Sp --needed`). Print mode lists what would be installed, not what
 * a conflict or a `replaces` would remove (docs/plugins.md, known limits).
 */
export async function dryRunPacman(
  ctx: PluginContext<PacmanConfig>,
  op: OperationContext,
  request: DryRunRequest,
): Promise<Transaction> {
  const names = pacmanTargets(request.packages);
  const transaction = emptyTransaction();
  if (ctx.config.refreshDatabases) transaction.warnings.push(...(await syncDatabases(ctx, op)));
  const held = await heldAmong(ctx, op, names);
  const installed = await installedVersions(ctx, op, names);

  const printed = await printTransaction(
    ctx,
    op,
    names.filter((n) => installed.has(n) && !held.includes(n)),
  );
  const before = await installedVersions(
    ctx,
    op,
    printed.map((p) => p.name),
  );
  for (const pkg of printed) {
    const item = { name: pkg.name, toVersion: pkg.version, source: pkg.repository, security: false };
    const from = before.get(pkg.name);
    if (from === undefined) transaction.newPackages.push(item);
    else if (from !== pkg.version) transaction.upgrades.push({ ...item, fromVersion: from });
  }

  for (const ref of request.packages) {
    const upgrade = transaction.upgrades.find((u) => u.name === ref.name);
    if (held.includes(ref.name))
      transaction.warnings.push(
        `${ref.name} is held (IgnorePkg or IgnoreGroup in pacman.conf): an install will refuse it`,
      );
    else if (!installed.has(ref.name))
      transaction.warnings.push(`${ref.name}: not installed, nothing to upgrade`);
    else if (!upgrade) transaction.warnings.push(`${ref.name}: nothing to upgrade (already the newest)`);
    else if (ref.version !== undefined && upgrade.toVersion !== ref.version)
      // pacman cannot pin a version: the repositories carry one, and it moved on.
      transaction.warnings.push(
        `${ref.name}: ${ref.version} was approved, but the repositories now offer ${upgrade.toVersion}`,
      );
  }
  return transaction;
}

async function printTransaction(
  ctx: PluginContext<PacmanConfig>,
  op: OperationContext,
  targets: string[],
): Promise<PrintedPackage[]> {
  const system = ctx.config.upgradeScope === 'system';
  if (!system && targets.length === 0) return [];
  const result = await runPacman(ctx, op, {
    // --noconfirm: pacman answers its questions (which provider) with the defaults, as the install will.
    args: system
      ? ['-S', '-u', '-p', '--noconfirm', '--print-format', PRINT_FORMAT]
      : ['-S', '-p', '--needed', '--noconfirm', '--print-format', PRINT_FORMAT],
    ...(system ? {} : { targets }),
    timeoutSeconds: ctx.config.commandTimeoutSeconds,
  });
  if (!succeeded(result)) throw new PluginError(describePacmanFailure(result), { code: 'dry-run-failed' });
  const parsed = parsePrint(result.stdout);
  if (parsed.warnings.length)
    // A transaction with an unread line is not the exact transaction a person must confirm.
    throw new PluginError(`unreadable dry run output: ${parsed.warnings.join('; ')}`, {
      code: 'unreadable-output',
    });
  return parsed.packages;
}
