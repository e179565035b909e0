import {
  describeFailure,
  type DryRunRequest,
  errorMessage,
  type OperationContext,
  type PluginContext,
  PluginError,
  succeeded,
  type Transaction,
} from '../sdk/index.js';
import { runApt } from './apt-runner.js';
import type { AptConfig } from './config.js';
import { isHeld, listHolds } from './holds.js';
import { aptPackageArguments } from './package-names.js';
import { parseSimulation } from './parse-simulation.js';

/**
 * What `apt-get install --only-upgrade` would do with these packages, from a simulation's
 * Inst/Remv lines: the upgrades, the new packages it pulls in, the removals. `-s` takes no lock.
 */
export async function dryRunApt(
  ctx: PluginContext<AptConfig>,
  op: OperationContext,
  request: DryRunRequest,
): Promise<Transaction> {
  const packages = aptPackageArguments(request.packages);
  const simulation = await runApt(ctx, op, {
    program: 'apt-get',
    args: ['-s', '-q', 'install', '--only-upgrade'],
    packages,
    timeoutSeconds: ctx.config.commandTimeoutSeconds,
  });
  const parsed = parseSimulation(simulation.stdout);
  if (!succeeded(simulation)) throw new PluginError(describeFailure(simulation), { code: 'dry-run-failed' });
  if (parsed.warnings.length)
    // A transaction with an unread line is not the exact transaction a person must confirm.
    throw new PluginError(`unreadable simulation output: ${parsed.warnings.join('; ')}`, {
      code: 'unreadable-output',
    });

  const { transaction } = parsed;
  transaction.warnings.push(...parsed.notes.filter((n) => !n.startsWith('The following held')));
  for (const ref of request.packages) {
    if (!transaction.upgrades.some((u) => u.name === ref.name))
      transaction.warnings.push(
        `${ref.name}: nothing to upgrade (not installed, already the newest, or no candidate)`,
      );
  }
  try {
    const holds = await listHolds(ctx, op);
    for (const ref of request.packages)
      if (isHeld(holds, ref.name, ref.arch))
        transaction.warnings.push(
          `${ref.name} is held (apt-mark hold): an install will refuse it until it is unheld`,
        );
  } catch (error) {
    transaction.warnings.push(`held packages unknown: ${errorMessage(error)}`);
  }
  return transaction;
}
