import type { Command, PackageRef, PackageStatus } from '../db/index.js';
import { createDependencyCheck } from './dependency-check.js';
import { createInstallOutcome } from './install-outcome.js';
import { createTransactionReview } from './transaction-review.js';
import { createWorkflowMoves } from './workflow-moves.js';
import { groupByAgentPlugin, type Refusal, type WorkflowContext } from './workflow-types.js';

export {
  type Refusal,
  type Transaction,
  TransactionChangedError,
  type TransactionItem,
  type WorkflowCommands,
  type WorkflowContext,
} from './workflow-types.js';

/**
 * The safe install workflow (DESIGN.md §3.7, issue 4 §4): approve → dry run of the approved
 * set → install at once when the transaction holds nothing more, else wait for a person →
 * install carrying the confirmed transaction → per-package outcomes. Each step is its own
 * file (issue 22 §6); every package move is an event of the state machine (package-states.ts).
 */
export function createInstallWorkflow(ctx: WorkflowContext) {
  const moves = createWorkflowMoves(ctx);
  const checks = createDependencyCheck(ctx, moves);
  const review = createTransactionReview(ctx, moves, checks);
  const afterInstall = createInstallOutcome(ctx, moves);
  let stopHandling: (() => void) | null = null;

  const workflow = {
    name: 'install workflow',

    /**
     * Listens for finished dry runs and installs on the bus (issue 22 §3): the dispatcher
     * publishes `command.finished` and waits for this before it answers the agent.
     */
    async start() {
      stopHandling =
        ctx.bus?.handle('command.finished', async ({ data }) => {
          if (data.type !== 'dry_run' && data.type !== 'install') return;
          const command = await ctx.db.commands.findById(data.commandId);
          if (command) await workflow.onCommandFinished(command);
        }) ?? null;
    },

    async stop() {
      stopHandling?.();
      stopHandling = null;
    },

    /** Tells live clients that packages moved outside the workflow (a bulk ignore). */
    announce(moved: PackageRef[], status: PackageStatus) {
      moves.announce(moved, status);
    },

    /**
     * Approves packages (pending or failed ones) and starts the dependency check for each host
     * and package manager. Refused packages come back with the reason.
     */
    async approve(
      refs: PackageRef[],
      by: string | null,
    ): Promise<{ approved: PackageRef[]; refused: Refusal[] }> {
      const { moved, refused } = await moves.move(refs, 'approve');
      for (const group of groupByAgentPlugin(moved).values())
        await checks.startChecks(group[0]!.agentId, group[0]!.plugin, by);
      return { approved: moved, refused };
    },

    waitingTransaction: review.waitingTransaction,
    confirm: review.confirm,
    reject: review.reject,

    /** Starts what waits in `approved` (a maintenance window opened; called by a timer). */
    resume: (agentId: string, plugin: string) => checks.startChecks(agentId, plugin, null),

    /** After a command's final status: dry runs and installs move their packages on. */
    async onCommandFinished(command: Command): Promise<void> {
      if (command.type === 'dry_run') await checks.afterDryRun(command);
      else if (command.type === 'install') await afterInstall(command);
      else return;
      // What was approved while this ran gets its own round now.
      await checks.startChecks(command.agentId, String(command.params.plugin), command.createdBy);
    },
  };
  return workflow;
}

export type InstallWorkflow = ReturnType<typeof createInstallWorkflow>;
