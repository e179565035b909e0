import {
  type DryRunRequest,
  errorMessage,
  type OperationContext,
  type PluginContext,
  PluginError,
  type ProcessResult,
  type Transaction,
} from '../sdk/index.js';
import { rateUpdate, readAdvisories } from './advisories.js';
import type { DnfConfig } from './config.js';
import { requireTool } from './detect.js';
import { describeDnfFailure, runDnf } from './dnf-runner.js';
import { listHolds } from './holds.js';
import { findInstalled, type InstalledSet, readInstalled } from './installed.js';
import { dnfPackageArguments } from './package-names.js';
import { parseTransaction } from './parse-transaction.js';
import type { DnfTool } from './tool.js';

/** Options of `upgrade` every run of it gets: dnf5 otherwise refuses a whole request for one unknown name. */
export function upgradeOptions(tool: DnfTool): string[] {
  return tool.kind === 'dnf5' ? ['--skip-unavailable'] : [];
}

/**
 * What `dnf upgrade` would do with these packages, from the transaction table it prints before
 * `--assumeno` declines: the upgrades, the new packages pulled in (dependencies, weak ones, an
 * obsoleting package) and the removals (obsoleted packages included). Changes nothing.
 */
export async function dryRunDnf(
  ctx: PluginContext<DnfConfig>,
  op: OperationContext,
  request: DryRunRequest,
  knownTool?: DnfTool,
): Promise<Transaction> {
  const packages = dnfPackageArguments(request.packages);
  const tool = knownTool ?? (await requireTool(ctx));
  const result = await runDnf(ctx, op, tool, {
    args: ['upgrade', '--assumeno', ...upgradeOptions(tool)],
    packages,
    timeoutSeconds: ctx.config.commandTimeoutSeconds,
  });
  const parsed = parseTransaction([...result.stdout, ...result.stderr]);
  if (!answered(result, parsed.table))
    throw new PluginError(describeDnfFailure(result), { code: 'dry-run-failed' });
  if (parsed.warnings.length)
    // A transaction with an unread row is not the exact transaction a person must confirm.
    throw new PluginError(`unreadable transaction table: ${parsed.warnings.join('; ')}`, {
      code: 'unreadable-output',
    });

  const { transaction } = parsed;
  const installed = await readInstalled(ctx, op);
  completeVersions(transaction, installed);
  transaction.warnings.push(...parsed.notes);
  const advisories = await readAdvisories(ctx, op, tool);
  for (const warning of advisories.warnings) ctx.logger.warn(warning);
  if (advisories.advisories.length || advisories.warnings.length === 0)
    for (const item of transaction.upgrades)
      item.security = rateUpdate(advisories.advisories, {
        name: item.name,
        ...(item.arch ? { arch: item.arch } : {}),
        ...(item.fromVersion ? { fromEvr: item.fromVersion } : {}),
        toEvr: item.toVersion ?? '',
      }).security;
  else
    transaction.warnings.push('advisories could not be read: which upgrades fix security issues is unknown');

  for (const ref of request.packages)
    if (!transaction.upgrades.some((u) => u.name === ref.name))
      transaction.warnings.push(
        `${ref.name}: nothing to upgrade (not installed, already the newest, held, or no candidate)`,
      );
  try {
    const holds = await listHolds(ctx, op, tool);
    for (const ref of request.packages)
      if (holds.includes(ref.name))
        transaction.warnings.push(
          `${ref.name} is held (versionlock): an install will refuse it until it is unlocked (${tool.kind} versionlock delete ${ref.name})`,
        );
  } catch (error) {
    transaction.warnings.push(`held packages unknown: ${errorMessage(error)}`);
  }
  return transaction;
}

/**
 * dnf answered the question: `--assumeno` declined a transaction (exit 1, "Operation aborted",
 * yum: "Exiting on user command"), there was nothing to do (exit 0), or nothing of the request
 * could be upgraded ("No packages marked for upgrade", exit 1). Anything else is a failure.
 */
function answered(result: ProcessResult, table: boolean): boolean {
  if (result.spawnError || result.timedOut || result.aborted) return false;
  const lines = [...result.stdout, ...result.stderr].map((l) => l.trim());
  if (result.exitCode === 0) return true;
  if (result.exitCode !== 1) return false;
  if (table && lines.some((l) => /^Operation aborted|^Exiting on user command/.test(l))) return true;
  return lines.some((l) => /^Error: No packages marked for upgrade\.?$/.test(l));
}

/**
 * Versions the table leaves out, from the rpm database: what an upgrade replaces (dnf4 does
 * not print it), and a new copy of an installed package (an install-only kernel shows under
 * "Installing", yet it is the kernel's update) moves to the upgrades.
 */
function completeVersions(transaction: Transaction, installed: InstalledSet): void {
  for (const item of transaction.upgrades) {
    const current = item.fromVersion ?? findInstalled(installed, item.name, item.arch)?.evr;
    if (current) item.fromVersion = current;
  }
  transaction.newPackages = transaction.newPackages.filter((item) => {
    const current = findInstalled(installed, item.name, item.arch);
    if (!current) return true;
    transaction.upgrades.push({ ...item, fromVersion: current.evr });
    return false;
  });
}
