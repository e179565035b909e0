import type { Database, PackageKey, PackageRef, PackageStatus, UpdateFilter } from '../db/index.js';
import type { EventRecorder } from '../events/index.js';
import type { InstallWorkflow, Refusal } from './install-workflow.js';
import { PACKAGE_MOVES, type PackageEvent, refusalOf } from './package-states.js';

/** Which packages a bulk action is for: ids from the list, or the list's own filter. */
export type BulkTarget = { ids: string[] } | { filter: UpdateFilter } | { packages: PackageRef[] };

export type Target = PackageKey & { id?: string };

export interface BulkRefusal extends Refusal {
  id?: string;
}

/** The most packages one request may act on; a bigger filter is refused, not cut short. */
export const MAX_BULK_PACKAGES = 10_000;

export class TooManyPackagesError extends Error {
  override name = 'TooManyPackagesError';
  constructor(readonly matched: number) {
    super(`the filter matches more than ${MAX_BULK_PACKAGES} packages; narrow it`);
  }
}

const keyOf = (r: PackageKey) => `${r.agentId}\u0000${r.plugin}\u0000${r.name}\u0000${r.arch}`;

/**
 * Approve, ignore and install many updates at once (issue 5 §2). Each package is checked
 * against the state machine on its own: one that cannot move is refused with the reason and
 * the rest of the batch goes on.
 */
export function createBulkActions(ctx: { db: Database; events: EventRecorder; workflow: InstallWorkflow }) {
  async function resolve(target: BulkTarget): Promise<{ targets: Target[]; unknownIds: string[] }> {
    if ('packages' in target) return { targets: target.packages, unknownIds: [] };
    if ('ids' in target) {
      const found = await ctx.db.updates.keysByIds(target.ids);
      const known = new Set(found.map((f) => f.id));
      return { targets: found, unknownIds: [...new Set(target.ids)].filter((id) => !known.has(id)) };
    }
    const found = await ctx.db.updates.keysByFilter(target.filter, MAX_BULK_PACKAGES + 1);
    if (found.length > MAX_BULK_PACKAGES) throw new TooManyPackagesError(found.length);
    return { targets: found, unknownIds: [] };
  }

  /** Gives refusals and results back their ids, so the panel can mark its rows. */
  function withIds<T extends PackageKey>(refs: T[], targets: Target[]): Array<T & { id?: string }> {
    const ids = new Map(targets.filter((t) => t.id).map((t) => [keyOf(t), t.id!]));
    return refs.map((r) => (ids.has(keyOf(r)) ? { ...r, id: ids.get(keyOf(r)) } : r));
  }

  const unknown = (ids: string[]): BulkRefusal[] =>
    ids.map((id) => ({
      id,
      ref: { agentId: '', plugin: '', name: '', arch: '' },
      from: null,
      why: `no package with id ${id}`,
    }));

  function refusalsOf(
    refused: Array<PackageRef & { status: PackageStatus | null }>,
    event: PackageEvent,
    targets: Target[],
  ): BulkRefusal[] {
    const ids = new Map(targets.filter((t) => t.id).map((t) => [keyOf(t), t.id!]));
    return refused.map(({ status, ...ref }) => {
      const id = ids.get(keyOf(ref));
      return { ...(id ? { id } : {}), ref, from: status, why: refusalOf(event, ref.name, status) };
    });
  }

  return {
    async approve(target: BulkTarget, by: string) {
      const { targets, unknownIds } = await resolve(target);
      const { approved, refused } = await ctx.workflow.approve(targets.map(plainRef), by);
      const ids = new Map(targets.filter((t) => t.id).map((t) => [keyOf(t), t.id!]));
      return {
        approved: withIds(approved, targets),
        refused: [
          ...refused.map((r) => ({ ...(ids.has(keyOf(r.ref)) ? { id: ids.get(keyOf(r.ref)) } : {}), ...r })),
          ...unknown(unknownIds),
        ],
      };
    },

    async ignore(target: BulkTarget, by: string) {
      const { targets, unknownIds } = await resolve(target);
      const { moved, refused } = await ctx.db.packages.transition(
        targets.map(plainRef),
        PACKAGE_MOVES.ignore.to,
        [...PACKAGE_MOVES.ignore.from],
      );
      ctx.workflow.announce(moved, 'ignored');
      for (const [agentId, count] of countByAgent(moved))
        await ctx.events.record({
          type: 'install',
          subtype: 'updates_ignored',
          severity: 'info',
          component: 'updates',
          agentId,
          message: `${by} set ${count} update(s) aside`,
          metadata: { by, packages: moved.filter((m) => m.agentId === agentId).map((m) => m.name) },
        });
      return {
        ignored: withIds(moved, targets),
        refused: [...refusalsOf(refused, 'ignore', targets), ...unknown(unknownIds)],
      };
    },

    /**
     * "Install these": a transaction waiting for confirmation is confirmed (the whole host and
     * plugin set it was computed for), pending and failed updates are approved, and the
     * workflow installs them after a dry run that matches. Anything else is refused, and so is
     * a transaction that removes packages: a removal is confirmed only on its own, by someone
     * who was shown it (POST /api/v1/updates/confirm), never as part of a selection.
     */
    async install(target: BulkTarget, by: string) {
      const { targets, unknownIds } = await resolve(target);
      const states = await ctx.db.updates.statusesOf(targets.map(plainRef));
      const waiting = targets.filter((t) => states.get(keyOf(t)) === 'pending_dependencies');
      const rest = targets.filter((t) => states.get(keyOf(t)) !== 'pending_dependencies');
      const installing: PackageRef[] = [];
      const refused: BulkRefusal[] = [];
      const groups = new Map<string, Target[]>();
      for (const t of waiting) {
        const k = `${t.agentId}\u0000${t.plugin}`;
        groups.set(k, [...(groups.get(k) ?? []), t]);
      }
      for (const group of groups.values()) {
        const { agentId, plugin } = group[0]!;
        const refuseGroup = (why: string) => {
          for (const t of group)
            refused.push({
              ...(t.id ? { id: t.id } : {}),
              ref: plainRef(t),
              from: 'pending_dependencies',
              why,
            });
        };
        const before = await ctx.db.packages.inStatus(agentId, plugin, 'pending_dependencies');
        try {
          const removals =
            (await ctx.workflow.waitingTransaction(agentId, plugin))?.transaction.removals ?? [];
          if (removals.length) {
            const names = removals.map((r) => r.name);
            refuseGroup(
              `the ${plugin} transaction removes ${names.slice(0, 3).join(', ')}` +
                (names.length > 3 ? ` and ${names.length - 3} more` : '') +
                ': review it and confirm it on its own',
            );
            continue;
          }
          await ctx.workflow.confirm(agentId, plugin, by);
        } catch (err) {
          refuseGroup((err as Error).message);
          continue;
        }
        const still = new Set(
          (await ctx.db.packages.inStatus(agentId, plugin, 'pending_dependencies')).map(
            (p) => `${p.name}\u0000${p.arch}`,
          ),
        );
        for (const p of before)
          if (!still.has(`${p.name}\u0000${p.arch}`))
            installing.push({ agentId, plugin, name: p.name, arch: p.arch });
      }
      const approved = await this.approve({ packages: rest.map(plainRef) }, by);
      const ids = new Map(targets.filter((t) => t.id).map((t) => [keyOf(t), t.id!]));
      return {
        // The whole set each confirmed transaction was computed for, selected or not.
        installing: withIds(installing, targets),
        approved: withIds(approved.approved, targets),
        refused: [
          ...refused,
          ...approved.refused.map((r) => ({
            ...r,
            ...(ids.has(keyOf(r.ref)) ? { id: ids.get(keyOf(r.ref)) } : {}),
          })),
          ...unknown(unknownIds),
        ],
      };
    },
  };
}

const plainRef = (t: Target): PackageRef => ({
  agentId: t.agentId,
  plugin: t.plugin,
  name: t.name,
  arch: t.arch,
});

function countByAgent(refs: PackageRef[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of refs) counts.set(r.agentId, (counts.get(r.agentId) ?? 0) + 1);
  return counts;
}

export type BulkActions = ReturnType<typeof createBulkActions>;
