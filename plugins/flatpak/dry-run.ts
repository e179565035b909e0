import {
  describeFailure,
  type DryRunRequest,
  emptyTransaction,
  errorMessage,
  type OperationContext,
  type PluginContext,
  PluginError,
  succeeded,
  type Transaction,
  type TransactionItem,
} from '../sdk/index.js';
import type { FlatpakConfig } from './config.js';
import { runFlatpak } from './flatpak-runner.js';
import { listMasks } from './holds.js';
import { defaultArch, readInstalled, readUpdates, remoteRevision } from './inventory.js';
import { isMasked } from './masks.js';
import type { InstalledRef } from './parse-installed.js';
import { parseTransaction, type TransactionRow } from './parse-transaction.js';
import type { RemoteUpdate } from './parse-updates.js';
import { type FlatpakRef, packageName, refArgument, refKey, requestRefs } from './refs.js';
import { versionPair } from './versions.js';

export interface FlatpakPlan {
  transaction: Transaction;
  /** The refs the install will name: requested, installed and not masked. */
  targets: FlatpakRef[];
  masked: FlatpakRef[];
}

/**
 * What `flatpak update` would do with these refs. flatpak has no simulation: the dry run is
 * `flatpak update -y --no-deploy`, which resolves the transaction (new runtimes, rebases,
 * uninstalls included), prints it as a table and downloads, but deploys nothing. Installed
 * apps stay as they are; the install later reuses the download.
 */
export async function planFlatpak(
  ctx: PluginContext<FlatpakConfig>,
  op: OperationContext,
  request: DryRunRequest,
): Promise<FlatpakPlan> {
  const arch = await defaultArch(ctx, op);
  const refs = requestRefs(request.packages).map((ref) => ({ ...ref, arch: ref.arch || arch }));
  const transaction = emptyTransaction();
  let masks: string[] = [];
  try {
    masks = await listMasks(ctx, op);
  } catch (error) {
    transaction.warnings.push(`masked (held) refs unknown: ${errorMessage(error)}`);
  }
  const installed = (await readInstalled(ctx, op)).items;
  const masked = refs.filter((ref) => isMasked(masks, ref));
  const targets = refs.filter((ref) => installed.has(refKey(ref)) && !masked.includes(ref));

  const rows = await printTransaction(ctx, op, targets);
  const updates = rows.some((r) => r.op === 'update') ? (await readUpdates(ctx, op)).items : [];
  for (const row of rows) {
    const ref = { id: row.id, arch: row.arch ?? arch, branch: row.branch };
    const item = await toItem(ctx, op, row, ref, installed.get(refKey(ref)), updates);
    const section = row.op === 'update' ? 'upgrades' : row.op === 'install' ? 'newPackages' : 'removals';
    transaction[section].push(item);
  }

  for (const ref of refs) {
    const name = packageName(ref);
    const upgrade = transaction.upgrades.find((u) => u.name === name && u.arch === ref.arch);
    const wanted = request.packages.find((p) => p.name === name)?.version;
    if (masked.includes(ref))
      transaction.warnings.push(
        `${name} is masked (flatpak mask): an install will refuse it until it is unmasked`,
      );
    else if (!installed.has(refKey(ref)))
      transaction.warnings.push(`${name}: not installed, nothing to update`);
    else if (!upgrade) transaction.warnings.push(`${name}: nothing to update (already the newest)`);
    else if (wanted !== undefined && upgrade.toVersion !== wanted)
      transaction.warnings.push(
        `${name}: ${wanted} was approved, but the remote now offers ${upgrade.toVersion ?? 'another commit'}`,
      );
  }
  return { transaction, targets, masked };
}

export async function dryRunFlatpak(
  ctx: PluginContext<FlatpakConfig>,
  op: OperationContext,
  request: DryRunRequest,
): Promise<Transaction> {
  return (await planFlatpak(ctx, op, request)).transaction;
}

async function printTransaction(
  ctx: PluginContext<FlatpakConfig>,
  op: OperationContext,
  targets: FlatpakRef[],
): Promise<TransactionRow[]> {
  if (targets.length === 0) return [];
  const result = await runFlatpak(ctx, op, {
    args: ['update', '-y', '--no-deploy'],
    refs: targets.map(refArgument),
    timeoutSeconds: ctx.config.downloadTimeoutSeconds,
  });
  if (!succeeded(result)) throw new PluginError(describeFailure(result), { code: 'dry-run-failed' });
  const parsed = parseTransaction(result.stdout);
  if (parsed.warnings.length)
    // A transaction with an unread line is not the exact transaction a person must confirm.
    throw new PluginError(`unreadable dry run output: ${parsed.warnings.join('; ')}`, {
      code: 'unreadable-output',
    });
  return parsed.rows;
}

async function toItem(
  ctx: PluginContext<FlatpakConfig>,
  op: OperationContext,
  row: TransactionRow,
  ref: FlatpakRef,
  installed: InstalledRef | undefined,
  updates: readonly RemoteUpdate[],
): Promise<TransactionItem> {
  const base = {
    name: packageName(ref),
    arch: ref.arch,
    ...(row.remote ? { source: row.remote } : {}),
    security: false,
  };
  if (row.op === 'uninstall')
    return { ...base, ...(installed ? { fromVersion: versionPair(undefined, installed).to } : {}) };
  const offered =
    updates.find((u) => refKey(u.ref) === refKey(ref)) ??
    (row.remote ? await remoteRevision(ctx, op, row.remote, refArgument(ref)) : null);
  if (!offered) return base;
  const { from, to } = versionPair(installed, offered);
  return { ...base, ...(row.op === 'update' && from ? { fromVersion: from } : {}), toVersion: to };
}
