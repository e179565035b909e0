import {
  type DryRunRequest,
  emptyTransaction,
  type OperationContext,
  type PluginContext,
  type Transaction,
} from '../sdk/index.js';
import type { SnapConfig } from './config.js';
import { isHeld, readInstalled, readRefreshCandidates } from './inventory.js';
import { snapNames } from './names.js';
import { versionPair } from './versions.js';

export interface SnapPlan {
  transaction: Transaction;
  /** Requested snaps that are held (snap refresh --hold): an install refuses them. */
  held: string[];
}

export async function dryRunSnap(
  ctx: PluginContext<SnapConfig>,
  op: OperationContext,
  request: DryRunRequest,
): Promise<Transaction> {
  return (await planSnap(ctx, op, request)).transaction;
}

/**
 * What `snap refresh <snaps>` would change. snapd has no simulation: the upgrades are the
 * requested snaps `snap refresh --list` offers. Prerequisites a new revision needs (a base, a
 * default content provider) are installed by snapd itself and cannot be listed in advance
 * (docs/plugins.md, known limits).
 */
export async function planSnap(
  ctx: PluginContext<SnapConfig>,
  op: OperationContext,
  request: DryRunRequest,
): Promise<SnapPlan> {
  const names = snapNames(request.packages);
  const candidates = await readRefreshCandidates(ctx, op);
  const { snaps } = await readInstalled(ctx, op);
  const transaction = emptyTransaction();
  for (const name of names) {
    const installed = snaps.get(name);
    const candidate = candidates.items.find((c) => c.name === name);
    const wanted = request.packages.find((p) => p.name === name)?.version;
    if (!installed) transaction.warnings.push(`${name}: not installed, nothing to refresh`);
    else if (isHeld(installed))
      transaction.warnings.push(
        `${name} is held (snap refresh --hold): an install will refuse it until it is unheld`,
      );
    else if (!candidate) transaction.warnings.push(`${name}: nothing to refresh (already the newest)`);
    else {
      const { from, to } = versionPair(installed, candidate);
      transaction.upgrades.push({
        name,
        fromVersion: from,
        toVersion: to,
        ...(installed.tracking !== '-' ? { source: installed.tracking } : {}),
        security: false,
      });
      if (wanted !== undefined && wanted !== to)
        transaction.warnings.push(`${name}: ${wanted} was approved, but the store now offers ${to}`);
    }
  }
  if (candidates.warnings.length) transaction.warnings.push(...candidates.warnings);
  return { transaction, held: names.filter((name) => isHeld(snaps.get(name))) };
}
