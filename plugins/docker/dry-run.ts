import {
  type DryRunRequest,
  emptyTransaction,
  type OperationContext,
  type Transaction,
} from '../sdk/index.js';
import { scanDocker } from './scan.js';
import type { DockerSession } from './session.js';

/**
 * What updating these images would do (issue 24 §4): pull each, then recreate the containers
 * that use it (through compose for compose-labelled ones). Read-only: a fresh check of the
 * registries. The recreation steps are listed in `warnings`, for the person confirming.
 */
export async function dryRunDocker(
  session: DockerSession,
  op: OperationContext,
  request: DryRunRequest,
): Promise<Transaction> {
  const scan = await scanDocker(session, op);
  const transaction = emptyTransaction();
  for (const ref of request.packages) {
    const record = scan.packages.find((p) => p.name === ref.name);
    if (!record) {
      transaction.warnings.push(`${ref.name}: no update (up to date, not checkable, or not on this host)`);
      continue;
    }
    transaction.upgrades.push({
      name: record.name,
      fromVersion: record.currentVersion,
      toVersion: record.availableVersion,
      source: record.source,
      security: false,
    });
    const containers = (record.metadata.containers ?? []) as {
      name: string;
      composeProject: string | null;
      composeService: string | null;
    }[];
    const plain = containers
      .filter((c) => !c.composeProject)
      .map((c) => c.name)
      .sort();
    const composed = containers.filter((c) => c.composeProject);
    const steps = [`pull ${record.name}`];
    if (plain.length) steps.push(`recreate container${plain.length > 1 ? 's' : ''} ${plain.join(', ')}`);
    for (const c of composed)
      steps.push(`recreate ${c.name} (compose project ${c.composeProject}, service ${c.composeService})`);
    if (!containers.length) steps.push('no container uses it');
    transaction.warnings.push(`${record.name}: ${steps.join('; ')}`);
  }
  transaction.warnings.push(...scan.warnings);
  return transaction;
}
