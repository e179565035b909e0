import type { Knex } from 'knex';
import type { PackageRef, PackageStatus, Severity } from '../../../broker/protocol/api-types.js';
import type { InstallOutcome, PackageState, UpdateEvent } from '../../domain/index.js';

export type { PackageRef, PackageStatus };

/** A package_state row as the drivers return it. */
export interface PackageStateRow {
  agent_id: string;
  plugin: string;
  name: string;
  arch: string;
  current_version: string | null;
  available_version: string | null;
  severity: string;
  security: boolean;
  source: string | null;
  reboot_required: boolean;
  status: PackageStatus;
  metadata: Record<string, unknown>;
  dependencies?: Record<string, unknown> | null;
  first_seen_at: Date;
  last_seen_at: Date;
  status_changed_at: Date;
}

function refArrays(refs: PackageRef[]) {
  return [
    refs.map((r) => r.agentId),
    refs.map((r) => r.plugin),
    refs.map((r) => r.name),
    refs.map((r) => r.arch),
  ];
}

const REFS = `unnest(?::uuid[], ?::text[], ?::text[], ?::text[]) as r(agent_id, plugin, name, arch)`;

export function packageStateRepository(knex: Knex) {
  return {
    /**
     * Moves packages to `to`, but only those currently in one of `from` (a conditional,
     * set-based update: concurrent requests cannot move a package twice). Returns what moved
     * and, for the rest, the state they are in (missing: not a known package). `to` and `from`
     * are one event of the state machine, given by core/updates (issue 22 §2).
     */
    async transition(
      refs: PackageRef[],
      to: PackageStatus,
      from: PackageStatus[],
      dependencies?: Record<string, unknown>,
    ): Promise<{ moved: PackageRef[]; refused: Array<PackageRef & { status: PackageStatus | null }> }> {
      if (refs.length === 0) return { moved: [], refused: [] };
      const moved = (await knex.raw(
        `update package_state s
            set status = ?, status_changed_at = now()
                ${dependencies === undefined ? '' : ', dependencies = ?::jsonb'}
           from ${REFS}
          where s.agent_id = r.agent_id and s.plugin = r.plugin and s.name = r.name and s.arch = r.arch
            and s.status = any(?::text[])
      returning s.agent_id, s.plugin, s.name, s.arch`,
        [to, ...(dependencies === undefined ? [] : [JSON.stringify(dependencies)]), ...refArrays(refs), from],
      )) as { rows: Array<{ agent_id: string; plugin: string; name: string; arch: string }> };
      const key = (r: { plugin: string; name: string; arch: string }, agent: string) =>
        `${agent}\u0000${r.plugin}\u0000${r.name}\u0000${r.arch}`;
      const movedKeys = new Set(moved.rows.map((r) => key(r, r.agent_id)));
      const rest = refs.filter((r) => !movedKeys.has(key(r, r.agentId)));
      let refused: Array<PackageRef & { status: PackageStatus | null }> = [];
      if (rest.length) {
        const current = (await knex.raw(
          `select r.agent_id, r.plugin, r.name, r.arch, s.status
             from ${REFS}
             left join package_state s
               on s.agent_id = r.agent_id and s.plugin = r.plugin and s.name = r.name and s.arch = r.arch`,
          refArrays(rest),
        )) as {
          rows: Array<{
            agent_id: string;
            plugin: string;
            name: string;
            arch: string;
            status: PackageStatus | null;
          }>;
        };
        refused = current.rows.map((r) => ({
          agentId: r.agent_id,
          plugin: r.plugin,
          name: r.name,
          arch: r.arch,
          status: r.status,
        }));
      }
      return {
        moved: moved.rows.map((r) => ({ agentId: r.agent_id, plugin: r.plugin, name: r.name, arch: r.arch })),
        refused,
      };
    },

    /** Packages of one agent and plugin in a state (the workflow's next batch). */
    async inStatus(agentId: string, plugin: string, status: PackageStatus): Promise<PackageState[]> {
      return (await this.listForAgent(agentId, { plugin, includeClosed: true })).filter(
        (p) => p.status === status,
      );
    },

    async dependenciesOf(ref: PackageRef): Promise<Record<string, unknown> | null> {
      const row = (await knex('package_state')
        .where({ agent_id: ref.agentId, plugin: ref.plugin, name: ref.name, arch: ref.arch })
        .first('dependencies')) as { dependencies: Record<string, unknown> | null } | undefined;
      return row?.dependencies ?? null;
    },

    /**
     * An install's per-package outcomes, set-based: package_state (updated or failed: the state
     * machine's `installed` and `install_failed`, checked against its table by
     * test/core/updates/package-moves.test.ts),
     * package_history and update_events (installed or failed), all with the agent's time.
     */
    async recordInstall(
      agentId: string,
      plugin: string,
      commandId: string,
      occurredAt: Date,
      outcomes: InstallOutcome[],
    ): Promise<void> {
      if (outcomes.length === 0) return;
      // knex's binding types leave out arrays holding nulls; pg and PGlite send them as SQL NULLs.
      const arrays = [
        outcomes.map((o) => o.name),
        outcomes.map((o) => o.arch),
        outcomes.map((o) => o.result),
        outcomes.map((o) => o.fromVersion),
        outcomes.map((o) => o.toVersion),
        outcomes.map((o) => o.message),
      ] as string[][];
      const outcomesSql = `unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
        as o(name, arch, result, from_version, to_version, message)`;
      await knex.transaction(async (trx) => {
        await trx.raw(
          `update package_state s
              set status = case when o.result = 'succeeded' then 'updated' else 'failed' end,
                  current_version = case when o.result = 'succeeded' then coalesce(o.to_version, s.available_version)
                                         else s.current_version end,
                  status_changed_at = ?
             from ${outcomesSql}
            where s.agent_id = ? and s.plugin = ? and s.name = o.name and s.arch = o.arch
              and s.status = 'installing'`,
          [occurredAt, ...arrays, agentId, plugin],
        );
        await trx.raw(
          `insert into package_history (agent_id, plugin, name, arch, from_version, to_version, command_id, result, message, occurred_at)
           select ?, ?, o.name, o.arch, o.from_version, o.to_version, ?, o.result, o.message, ?
             from ${outcomesSql}`,
          [agentId, plugin, commandId, occurredAt, ...arrays],
        );
        await trx.raw(
          `insert into update_events (agent_id, plugin, package, arch, from_version, to_version, kind, occurred_at)
           select ?, ?, o.name, o.arch, o.from_version, o.to_version,
                  case when o.result = 'succeeded' then 'installed' else 'failed' end, ?
             from ${outcomesSql}`,
          [agentId, plugin, occurredAt, ...arrays],
        );
      });
    },

    async historyFor(agentId: string): Promise<Array<Record<string, unknown>>> {
      return (await knex('package_history').where({ agent_id: agentId }).orderBy('id')) as Array<
        Record<string, unknown>
      >;
    },

    /** An agent's packages, open ones only unless `includeClosed`. */
    async listForAgent(
      agentId: string,
      opts: { plugin?: string; includeClosed?: boolean } = {},
    ): Promise<PackageState[]> {
      const query = knex('package_state').where({ agent_id: agentId }).orderBy(['plugin', 'name', 'arch']);
      if (opts.plugin) query.where({ plugin: opts.plugin });
      if (!opts.includeClosed) query.whereNotIn('status', ['resolved', 'updated']);
      return ((await query) as PackageStateRow[]).map(stateFromRow);
    },

    /**
     * Every agent's packages in one query, in key order (agent, plugin, name, arch): each agent's
     * run is what `listForAgent` returns for it (a plugin's full re-publish groups them in memory).
     */
    async listForFleet(opts: { includeClosed?: boolean } = {}): Promise<PackageState[]> {
      const query = knex('package_state').orderBy(['agent_id', 'plugin', 'name', 'arch']);
      if (!opts.includeClosed) query.whereNotIn('status', ['resolved', 'updated']);
      return ((await query) as PackageStateRow[]).map(stateFromRow);
    },

    /**
     * One page of package states in key order (agent, plugin, name, arch), starting after the
     * key `after`: keyset paging stays fast however deep the page.
     */
    async page(filter: {
      agentId?: string;
      status?: PackageStatus;
      after?: PackageRef | null;
      limit: number;
    }): Promise<PackageState[]> {
      const query = knex('package_state').orderBy(['agent_id', 'plugin', 'name', 'arch']).limit(filter.limit);
      if (filter.agentId) query.where({ agent_id: filter.agentId });
      if (filter.status) query.where({ status: filter.status });
      if (filter.after) {
        const a = filter.after;
        query.whereRaw('(agent_id, plugin, name, arch) > (?::uuid, ?, ?, ?)', [
          a.agentId,
          a.plugin,
          a.name,
          a.arch,
        ]);
      }
      return ((await query) as PackageStateRow[]).map(stateFromRow);
    },

    async eventsForAgent(agentId: string, opts: { batchId?: string } = {}): Promise<UpdateEvent[]> {
      const query = knex('update_events').where({ agent_id: agentId }).orderBy('id');
      if (opts.batchId) query.where({ batch_id: opts.batchId });
      const rows = (await query) as Array<Record<string, unknown>>;
      return rows.map((r) => ({
        id: String(r.id),
        agentId: r.agent_id as string,
        batchId: (r.batch_id as string | null) ?? null,
        plugin: r.plugin as string,
        package: r.package as string,
        arch: r.arch as string,
        fromVersion: (r.from_version as string | null) ?? null,
        toVersion: (r.to_version as string | null) ?? null,
        kind: r.kind as UpdateEvent['kind'],
        severity: (r.severity as string | null) ?? null,
        occurredAt: new Date(r.occurred_at as string),
      }));
    },

    async batchCount(agentId: string): Promise<number> {
      const [row] = (await knex('scan_batches').where({ agent_id: agentId }).count({ n: '*' })) as Array<{
        n: string | number;
      }>;
      return Number(row?.n ?? 0);
    },
  };
}

export function stateFromRow(r: PackageStateRow): PackageState {
  return {
    agentId: r.agent_id,
    plugin: r.plugin,
    name: r.name,
    arch: r.arch,
    currentVersion: r.current_version,
    availableVersion: r.available_version,
    severity: r.severity as Severity, // the column's check holds the vocabulary
    security: r.security,
    source: r.source,
    rebootRequired: r.reboot_required,
    status: r.status,
    metadata: r.metadata,
    dependencies: r.dependencies ?? null,
    firstSeenAt: new Date(r.first_seen_at),
    lastSeenAt: new Date(r.last_seen_at),
    statusChangedAt: new Date(r.status_changed_at),
  };
}
