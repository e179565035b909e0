import type { PackageRef } from '../db/index.js';
import type { DependencyCheck } from './dependency-check.js';
import type { WorkflowMoves } from './workflow-moves.js';
import { type Transaction, TransactionChangedError, type WorkflowContext } from './workflow-types.js';

/** A transaction that waits for a person (pending_dependencies): shown, confirmed or rejected. */
export function createTransactionReview(
  ctx: WorkflowContext,
  { move, record }: WorkflowMoves,
  { install }: DependencyCheck,
) {
  /** What waits for a person on one host and package manager: its packages and their transaction. */
  async function waitingTransaction(
    agentId: string,
    plugin: string,
  ): Promise<{ refs: PackageRef[]; transaction: Transaction; dryRunCommandId: string | null } | null> {
    const waiting = await ctx.db.packages.inStatus(agentId, plugin, 'pending_dependencies');
    if (waiting.length === 0) return null;
    const first = waiting[0]!;
    const deps = await ctx.db.packages.dependenciesOf({
      agentId,
      plugin,
      name: first.name,
      arch: first.arch,
    });
    const transaction = deps?.transaction as Transaction | undefined;
    if (!transaction) throw new Error(`no transaction recorded for ${plugin} on ${agentId}`);
    return {
      refs: waiting.map((p) => ({ agentId, plugin, name: p.name, arch: p.arch })),
      transaction,
      dryRunCommandId: typeof deps?.dryRunCommandId === 'string' ? deps.dryRunCommandId : null,
    };
  }

  return {
    waitingTransaction,

    /**
     * A person accepts the transaction a dry run showed: the install carries it. With
     * `reviewed` (the dry run's command id the person saw), a newer transaction is refused.
     */
    async confirm(agentId: string, plugin: string, by: string | null, reviewed?: string): Promise<number> {
      const waiting = await waitingTransaction(agentId, plugin);
      if (!waiting) return 0;
      if (reviewed !== undefined && reviewed !== waiting.dryRunCommandId)
        throw new TransactionChangedError(reviewed, waiting.dryRunCommandId);
      const { refs, transaction } = waiting;
      await install(agentId, plugin, refs, transaction, by, 'confirmed');
      await record(
        agentId,
        'transaction_confirmed',
        'info',
        `${by ?? 'someone'} confirmed the ${plugin} transaction`,
      );
      return refs.length;
    },

    /** A person refuses the transaction: the packages go back to pending. */
    async reject(agentId: string, plugin: string, by: string | null): Promise<number> {
      const waiting = await ctx.db.packages.inStatus(agentId, plugin, 'pending_dependencies');
      const refs = waiting.map((p) => ({ agentId, plugin, name: p.name, arch: p.arch }));
      const { moved } = await move(refs, 'rejected');
      if (moved.length)
        await record(
          agentId,
          'transaction_rejected',
          'info',
          `${by ?? 'someone'} rejected the ${plugin} transaction`,
        );
      return moved.length;
    },
  };
}
