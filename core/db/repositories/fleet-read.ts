import type { Knex } from 'knex';
import { type AgentRow, agentFromRow } from './agents.js';
import { containsPattern } from './update-list-sql.js';
import type { PendingCounts, Severity } from '../../../broker/protocol/api-types.js';
import {
  OUTSTANDING_PACKAGE_STATUSES as OUTSTANDING_STATUSES,
  PACKAGE_SEVERITIES as SEVERITIES,
} from '../../../broker/protocol/vocabulary.js';
import type { Agent } from '../../domain/index.js';

export { OUTSTANDING_STATUSES, type PendingCounts, SEVERITIES, type Severity };

export interface AgentOverview extends Agent {
  pending: PendingCounts;
}

export type AgentSort = 'hostname' | 'lastSeen' | 'registered' | 'pending' | 'critical';

export interface AgentListRequest {
  online?: boolean;
  status?: 'active' | 'revoked';
  label?: string;
  /** A case-insensitive substring of the hostname. */
  q?: string;
  sort: AgentSort;
  order: 'asc' | 'desc';
  limit: number;
  offset: number;
}

export interface AgentMetrics {
  sample: Record<string, unknown>;
  reportedAt: Date;
  receivedAt: Date;
}

const SORT_SQL: Record<AgentSort, string> = {
  hostname: 'a.hostname',
  lastSeen: 'a.last_seen_at',
  registered: 'a.registered_at',
  pending: 'p_total',
  critical: 'p_critical',
};

const OUTSTANDING = `(${OUTSTANDING_STATUSES.map((s) => `'${s}'`).join(', ')})`;

/** Per-agent pending counts from package_counts (kept by triggers; see the migration). */
const PENDING_LATERAL = `left join lateral (
    select ${SEVERITIES.map((s) => `coalesce(sum(c.n) filter (where c.severity = '${s}'), 0)::int as p_${s}`).join(', ')},
           coalesce(sum(c.n), 0)::int as p_total,
           coalesce(sum(c.n) filter (where c.security), 0)::int as p_security
      from package_counts c
     where c.agent_id = a.id and c.status in ${OUTSTANDING}
  ) p on true`;

type PendingRow = Record<`p_${Severity | 'total' | 'security'}`, number>;

function pendingFromRow(r: PendingRow): PendingCounts {
  return {
    critical: r.p_critical,
    high: r.p_high,
    medium: r.p_medium,
    low: r.p_low,
    unknown: r.p_unknown,
    total: r.p_total,
    security: r.p_security,
  };
}

export function fleetReadRepository(knex: Knex) {
  return {
    /** Agents with their pending counts, filtered and sorted, and how many match in all. */
    async listAgents(req: AgentListRequest): Promise<{ items: AgentOverview[]; total: number }> {
      const where: string[] = [];
      const bindings: unknown[] = [];
      if (req.online !== undefined) {
        where.push('a.online = ?');
        bindings.push(req.online);
      }
      if (req.status) {
        where.push('a.status = ?');
        bindings.push(req.status);
      }
      if (req.label) {
        where.push('a.labels @> jsonb_build_array(?::text)');
        bindings.push(req.label);
      }
      if (req.q) {
        where.push(`a.hostname ilike ? escape '\\'`);
        bindings.push(containsPattern(req.q));
      }
      const dir = req.order === 'desc' ? 'desc' : 'asc';
      const nulls = dir === 'desc' ? 'nulls last' : 'nulls first';
      const result = (await knex.raw(
        `select a.*, p.*, count(*) over () as total_matching
           from agents a ${PENDING_LATERAL}
          ${where.length ? `where ${where.join(' and ')}` : ''}
          order by ${SORT_SQL[req.sort]} ${dir} ${nulls}, a.hostname ${dir}, a.id ${dir}
          limit ? offset ?`,
        [...bindings, req.limit, req.offset] as Knex.RawBinding[],
      )) as { rows: Array<AgentRow & PendingRow & { total_matching: string }> };
      let total = Number(result.rows[0]?.total_matching ?? 0);
      if (result.rows.length === 0 && req.offset > 0) {
        // Past the end: the window count is not there to read, so count on its own.
        const counted = (await knex.raw(
          `select count(*)::int as n from agents a ${where.length ? `where ${where.join(' and ')}` : ''}`,
          bindings as Knex.RawBinding[],
        )) as { rows: Array<{ n: number }> };
        total = counted.rows[0]?.n ?? 0;
      }
      return {
        items: result.rows.map((r) => ({ ...agentFromRow(r), pending: pendingFromRow(r) })),
        total,
      };
    },

    /** One agent's package counts per plugin and status (its detail page). */
    async packageCounts(
      agentId: string,
    ): Promise<Array<{ plugin: string; status: string; severity: string; security: boolean; n: number }>> {
      const rows = (await knex('package_counts')
        .where({ agent_id: agentId })
        .where('n', '>', 0)
        .orderBy(['plugin', 'status', 'severity', 'security'])
        .select('plugin', 'status', 'severity', 'security', 'n')) as Array<{
        plugin: string;
        status: string;
        severity: string;
        security: boolean;
        n: string | number;
      }>;
      return rows.map((r) => ({ ...r, n: Number(r.n) }));
    },

    /** Keeps the latest metrics sample of an agent (best effort, one row per agent). */
    async recordMetrics(agentId: string, sample: Record<string, unknown>, reportedAt: Date): Promise<void> {
      await knex.raw(
        `insert into agent_metrics (agent_id, sample, reported_at, received_at)
         values (?, ?::jsonb, ?, now())
         on conflict (agent_id) do update
           set sample = excluded.sample, reported_at = excluded.reported_at, received_at = excluded.received_at
           where agent_metrics.reported_at <= excluded.reported_at`,
        [agentId, JSON.stringify(sample), reportedAt],
      );
    },

    async latestMetrics(agentId: string): Promise<AgentMetrics | null> {
      const row = (await knex('agent_metrics').where({ agent_id: agentId }).first()) as
        { sample: Record<string, unknown>; reported_at: Date; received_at: Date } | undefined;
      return row
        ? { sample: row.sample, reportedAt: new Date(row.reported_at), receivedAt: new Date(row.received_at) }
        : null;
    },
  };
}
