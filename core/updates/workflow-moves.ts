import type { PackageRef, PackageStatus } from '../db/index.js';
import { PACKAGE_SAMPLE } from '../events/index.js';
import { PACKAGE_MOVES, type PackageEvent, refusalOf } from './package-states.js';
import { groupByAgentPlugin, type Refusal, type WorkflowContext } from './workflow-types.js';

/**
 * The workflow's package moves and its system events: each move is one event of the state
 * machine (its `from` states come from the table), announced on the bus once committed.
 */
export function createWorkflowMoves(ctx: WorkflowContext) {
  const announce = (
    moved: Array<{ agentId: string; plugin: string; name: string; arch: string }>,
    status: PackageStatus,
    commandId?: string,
  ) => {
    if (!ctx.bus) return;
    for (const group of groupByAgentPlugin(moved).values())
      ctx.bus.emit('package.status', group[0]!.agentId, {
        plugin: group[0]!.plugin,
        status,
        count: group.length,
        packages: group.slice(0, PACKAGE_SAMPLE).map((p) => ({ name: p.name, arch: p.arch })),
        ...(commandId ? { commandId } : {}),
      });
  };

  async function move(refs: PackageRef[], event: PackageEvent, dependencies?: Record<string, unknown>) {
    const { from, to } = PACKAGE_MOVES[event];
    const result = await ctx.db.packages.transition(refs, to, [...from], dependencies);
    const commandId = dependencies?.installCommandId ?? dependencies?.dryRunCommandId;
    announce(result.moved, to, typeof commandId === 'string' ? commandId : undefined);
    return {
      moved: result.moved,
      refused: result.refused.map(({ status, ...ref }): Refusal => ({
        ref,
        from: status,
        why: refusalOf(event, ref.name, status),
      })),
    };
  }

  const record = (
    agentId: string,
    subtype: string,
    severity: 'info' | 'warning',
    message: string,
    metadata = {},
  ) =>
    ctx.events.record({
      type: 'install',
      subtype,
      severity,
      component: 'updates',
      agentId,
      message,
      metadata,
    });

  return { announce, move, record };
}

export type WorkflowMoves = ReturnType<typeof createWorkflowMoves>;
