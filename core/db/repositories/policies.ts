import type { Knex } from 'knex';
import type {
  MaintenanceWindow,
  PolicyKind,
  PolicyMatch,
  ScanSchedule as Schedule,
} from '../../../broker/protocol/api-types.js';
import type { Policy } from '../../domain/index.js';

export type { MaintenanceWindow, PolicyKind, PolicyMatch, Schedule };

/** `linux-image-*` → `linux-image-%`, with LIKE's own wildcards escaped. */
export function globToLike(glob: string): string {
  return glob
    .replace(/[\\%_]/g, (c) => `\\${c}`)
    .replace(/\*/g, '%')
    .replace(/\?/g, '_');
}

const MATCHES = `(p.match->>'plugin' is null or p.match->>'plugin' = s.plugin)
  and (p.match->>'like' is null or s.name like p.match->>'like')
  and (p.match->>'label' is null or a.labels @> jsonb_build_array(p.match->>'label'))`;

export type RuleKind = 'hold' | 'ignore';

/** SQL: the kinds of enabled hold and ignore rules, in the order they apply (hold first). */
export const RULE_KINDS = `array(select distinct kind from policies where enabled and kind in ('hold', 'ignore') order by 1)`;

/**
 * Hold and ignore rules onto one agent's open packages of one plugin: one statement per kind,
 * whatever the number of packages or rules. Holds win over ignores. Runs inside the scan
 * ingest's transaction, so a package never shows as pending between the two. The states each
 * kind moves from are the state machine's `hold_rule` and `ignore_rule` (core/updates, issue 22
 * §2), checked against its table by test/core/updates/package-moves.test.ts.
 */
export async function applyHoldsAndIgnores(
  trx: Knex,
  agentId: string | null,
  plugin: string | null,
  /** The kinds of enabled hold and ignore rules, when the caller already read them (RULE_KINDS). */
  kinds?: RuleKind[],
): Promise<number> {
  // Most homelabs have no such rule: one cheap look instead of two updates per scan.
  const present =
    kinds ??
    ((await trx.raw(`select ${RULE_KINDS} as kinds`)) as { rows: Array<{ kinds: RuleKind[] }> }).rows[0]!
      .kinds;
  let changed = 0;
  for (const kind of present) {
    const result = (await trx.raw(
      `update package_state s set status = ?, status_changed_at = now()
         from agents a
        where (?::uuid is null or s.agent_id = ?::uuid) and (?::text is null or s.plugin = ?::text) and a.id = s.agent_id
          and s.status in ('pending', 'approved', 'failed'${kind === 'ignore' ? '' : ", 'ignored'"})
          and exists (select 1 from policies p where p.enabled and p.kind = ? and ${MATCHES})
      returning s.name`,
      [kind === 'hold' ? 'held' : 'ignored', agentId, agentId, plugin, plugin, kind],
    )) as { rows: unknown[] };
    changed += result.rows.length;
  }
  return changed;
}

export function policiesRepository(knex: Knex) {
  return {
    /** Hold and ignore rules onto every open package (after a rule is added). */
    applyEverywhere: () => applyHoldsAndIgnores(knex, null, null),
    /** The same onto one agent's open packages (after its labels changed). */
    applyToAgent: (agentId: string) => applyHoldsAndIgnores(knex, agentId, null),

    async create(policy: {
      kind: PolicyKind;
      name: string;
      match: PolicyMatch;
      createdBy: string | null;
    }): Promise<Policy> {
      const [row] = (await knex('policies')
        .insert({
          kind: policy.kind,
          name: policy.name,
          match: storedMatch(policy.match),
          created_by: policy.createdBy,
        })
        .returning('*')) as Array<Record<string, unknown>>;
      return policyFromRow(row!);
    },

    async list(): Promise<Policy[]> {
      return ((await knex('policies').orderBy('created_at')) as Array<Record<string, unknown>>).map(
        policyFromRow,
      );
    },

    async find(id: string): Promise<Policy | null> {
      const row = (await knex('policies').where({ id }).first()) as Record<string, unknown> | undefined;
      return row ? policyFromRow(row) : null;
    },

    async update(
      id: string,
      change: { name?: string; match?: PolicyMatch; enabled?: boolean },
    ): Promise<Policy | null> {
      const [row] = (await knex('policies')
        .where({ id })
        .update({
          ...(change.name !== undefined ? { name: change.name } : {}),
          ...(change.match !== undefined ? { match: storedMatch(change.match) } : {}),
          ...(change.enabled !== undefined ? { enabled: change.enabled } : {}),
        })
        .returning('*')) as Array<Record<string, unknown>>;
      return row ? policyFromRow(row) : null;
    },

    async remove(id: string): Promise<boolean> {
      // knex-pglite reports no row count for DELETE: ask for the rows.
      return ((await knex('policies').where({ id }).delete().returning('id')) as unknown[]).length > 0;
    },

    /** Pending packages of an agent and plugin that an enabled auto-approve rule matches. */
    async autoApprovable(agentId: string, plugin: string): Promise<Array<{ name: string; arch: string }>> {
      const result = (await knex.raw(
        `select s.name, s.arch from package_state s join agents a on a.id = s.agent_id
          where s.agent_id = ? and s.plugin = ? and s.status = 'pending'
            and exists (
              select 1 from policies p
               where p.enabled and p.kind = 'auto_approve' and ${MATCHES}
                 and (p.match->'severities' is null or p.match->'severities' @> to_jsonb(s.severity))
                 and (coalesce((p.match->>'securityOnly')::boolean, false) = false or s.security))`,
        [agentId, plugin],
      )) as { rows: Array<{ name: string; arch: string }> };
      return result.rows;
    },

    async createWindow(window: Omit<MaintenanceWindow, 'id' | 'enabled'>): Promise<MaintenanceWindow> {
      const [row] = (await knex('maintenance_windows')
        .insert({
          name: window.name,
          weekdays: JSON.stringify(window.weekdays),
          start_time: window.startTime,
          end_time: window.endTime,
          timezone: window.timezone,
          agent_label: window.agentLabel,
        })
        .returning('*')) as Array<Record<string, unknown>>;
      return windowFromRow(row!);
    },

    async windows(): Promise<MaintenanceWindow[]> {
      return (
        (await knex('maintenance_windows').where({ enabled: true }).orderBy('created_at')) as Array<
          Record<string, unknown>
        >
      ).map(windowFromRow);
    },

    /** Every window, disabled ones too (for editing). */
    async allWindows(): Promise<MaintenanceWindow[]> {
      return (
        (await knex('maintenance_windows').orderBy('created_at')) as Array<Record<string, unknown>>
      ).map(windowFromRow);
    },

    async findWindow(id: string): Promise<MaintenanceWindow | null> {
      const row = (await knex('maintenance_windows').where({ id }).first()) as
        Record<string, unknown> | undefined;
      return row ? windowFromRow(row) : null;
    },

    async updateWindow(window: MaintenanceWindow): Promise<MaintenanceWindow | null> {
      const [row] = (await knex('maintenance_windows')
        .where({ id: window.id })
        .update({
          name: window.name,
          weekdays: JSON.stringify(window.weekdays),
          start_time: window.startTime,
          end_time: window.endTime,
          timezone: window.timezone,
          agent_label: window.agentLabel,
          enabled: window.enabled,
        })
        .returning('*')) as Array<Record<string, unknown>>;
      return row ? windowFromRow(row) : null;
    },

    async removeWindow(id: string): Promise<boolean> {
      // knex-pglite reports no row count for DELETE: ask for the rows.
      return (
        ((await knex('maintenance_windows').where({ id }).delete().returning('id')) as unknown[]).length > 0
      );
    },

    /** Replaces the schedule for (agent or label or everyone, plugin). */
    async setSchedule(s: Omit<Schedule, 'id'>): Promise<Schedule> {
      return knex.transaction(async (trx) => {
        await trx('schedules')
          .where({ plugin: s.plugin })
          .where((q) => (s.agentId ? q.where({ agent_id: s.agentId }) : q.whereNull('agent_id')))
          .where((q) => (s.agentLabel ? q.where({ agent_label: s.agentLabel }) : q.whereNull('agent_label')))
          .delete();
        const [row] = (await trx('schedules')
          .insert({
            agent_id: s.agentId,
            agent_label: s.agentLabel,
            plugin: s.plugin,
            interval_seconds: s.intervalSeconds,
            enabled: s.enabled,
          })
          .returning('*')) as Array<Record<string, unknown>>;
        return scheduleFromRow(row!);
      });
    },

    async updateSchedule(
      id: string,
      change: { intervalSeconds?: number; enabled?: boolean },
    ): Promise<Schedule | null> {
      const [row] = (await knex('schedules')
        .where({ id })
        .update({
          ...(change.intervalSeconds !== undefined ? { interval_seconds: change.intervalSeconds } : {}),
          ...(change.enabled !== undefined ? { enabled: change.enabled } : {}),
        })
        .returning('*')) as Array<Record<string, unknown>>;
      return row ? scheduleFromRow(row) : null;
    },

    async removeSchedule(id: string): Promise<boolean> {
      // knex-pglite reports no row count for DELETE: ask for the rows.
      return ((await knex('schedules').where({ id }).delete().returning('id')) as unknown[]).length > 0;
    },

    async schedules(): Promise<Schedule[]> {
      return ((await knex('schedules').orderBy('created_at')) as Array<Record<string, unknown>>).map(
        scheduleFromRow,
      );
    },

    /** Agents with approved packages waiting (for a maintenance window), by plugin. */
    async waitingApprovals(): Promise<Array<{ agentId: string; plugin: string }>> {
      const rows = (await knex('package_state')
        .where({ status: 'approved' })
        .distinct('agent_id', 'plugin')) as Array<{
        agent_id: string;
        plugin: string;
      }>;
      return rows.map((r) => ({ agentId: r.agent_id, plugin: r.plugin }));
    },
  };
}

/** The match as stored: with the name glob turned into a LIKE pattern once, for the SQL above. */
function storedMatch(match: PolicyMatch): string {
  return JSON.stringify({
    ...match,
    ...(match.namePattern ? { like: globToLike(match.namePattern) } : {}),
  });
}

function policyFromRow(row: Record<string, unknown>): Policy {
  const { like: _like, ...match } = row.match as PolicyMatch & { like?: string };
  return {
    id: row.id as string,
    kind: row.kind as PolicyKind,
    name: row.name as string,
    match,
    enabled: row.enabled as boolean,
    createdBy: (row.created_by as string | null) ?? null,
    createdAt: new Date(row.created_at as string),
  };
}

function windowFromRow(row: Record<string, unknown>): MaintenanceWindow {
  return {
    id: row.id as string,
    name: row.name as string,
    weekdays: row.weekdays as number[],
    startTime: row.start_time as string,
    endTime: row.end_time as string,
    timezone: row.timezone as string,
    agentLabel: (row.agent_label as string | null) ?? null,
    enabled: row.enabled as boolean,
  };
}

function scheduleFromRow(row: Record<string, unknown>): Schedule {
  return {
    id: row.id as string,
    agentId: (row.agent_id as string | null) ?? null,
    agentLabel: (row.agent_label as string | null) ?? null,
    plugin: row.plugin as string,
    intervalSeconds: row.interval_seconds as number,
    enabled: row.enabled as boolean,
  };
}
