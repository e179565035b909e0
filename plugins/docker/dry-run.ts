import {
  type DryRunRequest,
  emptyTransaction,
  type OperationContext,
  type ScanPackage,
  type Transaction,
} from '../sdk/index.js';
import { findCompose } from './compose.js';
import { ContainerOps } from './container-ops.js';
import { scanDocker } from './scan.js';
import type { DockerSession } from './session.js';
import { describePlan, planUpdate } from './update-plan.js';

/**
 * What updating these images would do (issue 24 §4), read-only: a fresh check of the
 * registries, then the install's own plan (update-plan.ts). Each image is an upgrade; the steps
 * (pull with the remote digest, each container recreated, through compose or the engine, or
 * restarted, in the order the install runs them) are the `warnings`, for the person confirming.
 */
export async function dryRunDocker(
  session: DockerSession,
  op: OperationContext,
  request: DryRunRequest,
): Promise<Transaction> {
  const scan = await scanDocker(session, op);
  const transaction = emptyTransaction();
  const records: ScanPackage[] = [];
  for (const ref of request.packages) {
    const record = scan.packages.find((p) => p.name === ref.name);
    if (!record) {
      transaction.warnings.push(`${ref.name}: no update (up to date, not checkable, or not on this host)`);
      continue;
    }
    records.push(record);
    transaction.upgrades.push({
      name: record.name,
      fromVersion: record.currentVersion,
      toVersion: record.availableVersion,
      source: record.source,
      security: false,
    });
  }
  if (records.length) {
    const ops = new ContainerOps(await session.engine(op), session.ctx.config.stopTimeoutSeconds);
    const compose = await findCompose(session.ctx, op);
    const plan = await planUpdate(ops, records, compose, op.signal);
    transaction.warnings.push(...describePlan(plan, compose));
    if (!plan.containers.length)
      transaction.warnings.push('no container uses these images: they are only pulled');
  }
  transaction.warnings.push(...scan.warnings);
  return transaction;
}
