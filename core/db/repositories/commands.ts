import type { Knex } from 'knex';
import { BASELINE_COMMAND_TYPES } from '../../../broker/protocol/index.js';
import { isUuid } from './agents.js';
import type { CommandSource, CommandStatus } from '../../../broker/protocol/api-types.js';
import { ACTIVE_COMMAND_STATUSES as ACTIVE } from '../../../broker/protocol/vocabulary.js';

export type { CommandSource, CommandStatus };

/** Statuses in which a command still occupies its dedup key. */
export const ACTIVE_COMMAND_STATUSES: readonly CommandStatus[] = ACTIVE;

export interface Command {
  id: string;
  agentId: string;
  type: string;
  params: Record<string, unknown>;
  status: CommandStatus;
  source: CommandSource;
  dedupKey: string | null;
  idempotencyKey: string | null;
  retriedFromId: string | null;
  attempt: number;
  createdBy: string | null;
  createdAt: Date;
  expiresAt: Date;
  sentAt: Date | null;
  acknowledgedAt: Date | null;
  runningAt: Date | null;
  finishedAt: Date | null;
  result: Record<string, unknown> | null;
  error: string | null;
}

export interface NewCommand {
  agentId: string;
  type: string;
  params: Record<string, unknown>;
  source: CommandSource;
  expiresAt: Date;
  dedupKey?: string | null;
  idempotencyKey?: string | null;
  createdBy?: string | null;
  retriedFromId?: string | null;
  attempt?: number;
}

/** Filters of the command history; every given one must match. */
export interface CommandFilter {
  agentId?: string;
  statuses?: CommandStatus[];
  types?: string[];
  sources?: CommandSource[];
  since?: Date;
  /** The key of the last command of the previous page (`CommandPage.lastKey`). */
  after?: CommandKey | null;
  limit: number;
}

/**
 * A command's place in the history: its creation time as PostgreSQL prints it (microseconds,
 * which a JS Date would lose, and the page after it would repeat or skip rows) and its id.
 */
export interface CommandKey {
  createdAt: string;
  id: string;
}

export interface CommandPage {
  items: Command[];
  /** Key of the last item when the page is full (there may be more), else null. */
  lastKey: CommandKey | null;
}

/** `created: false` when an active command with the dedup key, or one with the idempotency key, already existed. */
export interface CreateOutcome {
  command: Command;
  created: boolean;
}

type Row = Record<string, unknown> & {
  id: string;
  agent_id: string;
  status: CommandStatus;
};

const FINISHED_COLUMN: Partial<Record<CommandStatus, string>> = {
  succeeded: 'succeeded_at',
  failed: 'failed_at',
  timed_out: 'timed_out_at',
  cancelled: 'cancelled_at',
  rejected: 'rejected_at',
};

function date(value: unknown): Date | null {
  return value ? new Date(value as string) : null;
}

function fromRow(row: Row): Command {
  const finished = Object.values(FINISHED_COLUMN).map((c) => date(row[c]));
  return {
    id: row.id,
    agentId: row.agent_id,
    type: row.type as string,
    params: row.params as Record<string, unknown>,
    status: row.status,
    source: row.source as CommandSource,
    dedupKey: (row.dedup_key as string | null) ?? null,
    idempotencyKey: (row.idempotency_key as string | null) ?? null,
    retriedFromId: (row.retried_from_id as string | null) ?? null,
    attempt: row.attempt as number,
    createdBy: (row.created_by as string | null) ?? null,
    createdAt: new Date(row.created_at as string),
    expiresAt: new Date(row.expires_at as string),
    sentAt: date(row.sent_at),
    acknowledgedAt: date(row.acknowledged_at),
    runningAt: date(row.running_at),
    finishedAt: finished.find((d) => d !== null) ?? null,
    result: (row.result as Record<string, unknown> | null) ?? null,
    error: (row.error as string | null) ?? null,
  };
}

const ACTIVE_SQL = `('pending', 'sent', 'acknowledged', 'running')`;

/** A command was asked for an agent that does not exist or is revoked. */
export class InactiveAgentError extends Error {
  override name = 'InactiveAgentError';
  constructor(readonly agentId: string) {
    super(`no active agent with id ${agentId}`);
  }
}

/**
 * A command of a type the agent has no handler for (issue 21 §7): it is not queued, since the
 * agent would only refuse it `unknown_type`. `runs` is what the agent's hello listed, or the
 * v1 baseline for an agent whose hello had no list or that has not said hello yet.
 */
export class UnsupportedCommandTypeError extends Error {
  override name = 'UnsupportedCommandTypeError';
  constructor(
    readonly agentId: string,
    readonly hostname: string,
    readonly type: string,
    readonly runs: string[],
  ) {
    super(`agent ${hostname} (${agentId}) does not run ${type} commands; it runs ${runs.join(', ')}`);
  }
}

export function commandsRepository(knex: Knex) {
  const findConflicting = async (cmd: NewCommand) =>
    (await knex('commands')
      .where((q) => {
        if (cmd.idempotencyKey) q.orWhere({ idempotency_key: cmd.idempotencyKey });
        if (cmd.dedupKey)
          q.orWhere((d) =>
            d
              .where({ agent_id: cmd.agentId, dedup_key: cmd.dedupKey })
              .whereIn('status', ACTIVE_COMMAND_STATUSES as CommandStatus[]),
          );
      })
      .first()) as Row | undefined;
  /** An active agent and the command types it runs; undefined for an unknown or revoked one. */
  const activeAgent = async (agentId: string) => {
    const row = (await knex('agents')
      .where({ id: agentId, status: 'active' })
      .first('hostname', knex.raw(`metadata->'commandTypes' as command_types`))) as
      { hostname: string; command_types: string[] | null } | undefined;
    return row && { hostname: row.hostname, runs: row.command_types ?? [...BASELINE_COMMAND_TYPES] };
  };

  return {
    /**
     * Inserts a command, unless an active one with the same agent and dedup key, or any with
     * the same idempotency key, exists: then that one is returned. The partial unique index
     * decides, so concurrent requests create exactly one. Throws InactiveAgentError for an
     * unknown or revoked agent, UnsupportedCommandTypeError for a type the agent does not run.
     */
    async create(cmd: NewCommand): Promise<CreateOutcome> {
      if (!isUuid(cmd.agentId)) throw new InactiveAgentError(cmd.agentId);
      // Only for an active agent that runs the type, decided in the same statement: a revocation
      // racing the request cannot leave a command behind that nobody will ever receive.
      const inserted = (await knex.raw(
        `insert into commands (agent_id, type, params, source, expires_at, dedup_key, idempotency_key, created_by,
                               retried_from_id, attempt)
         select a.id, ?, ?::jsonb, ?, ?::timestamptz, ?, ?, ?, ?::uuid, ?::integer
           from agents a
          where a.id = ? and a.status = 'active'
            and coalesce(a.metadata->'commandTypes', ?::jsonb) @> ?::jsonb
         on conflict do nothing
         returning *`,
        [
          cmd.type,
          JSON.stringify(cmd.params),
          cmd.source,
          cmd.expiresAt,
          cmd.dedupKey ?? null,
          cmd.idempotencyKey ?? null,
          cmd.createdBy ?? null,
          cmd.retriedFromId ?? null,
          cmd.attempt ?? 1,
          cmd.agentId,
          JSON.stringify(BASELINE_COMMAND_TYPES),
          JSON.stringify([cmd.type]),
        ],
      )) as { rows: Row[] };
      if (inserted.rows[0]) return { command: fromRow(inserted.rows[0]), created: true };
      const agent = await activeAgent(cmd.agentId);
      if (!agent) throw new InactiveAgentError(cmd.agentId);
      if (!agent.runs.includes(cmd.type))
        throw new UnsupportedCommandTypeError(cmd.agentId, agent.hostname, cmd.type, agent.runs);
      const existing = cmd.idempotencyKey || cmd.dedupKey ? await findConflicting(cmd) : undefined;
      if (existing) return { command: fromRow(existing), created: false };
      // The conflicting command finished between the insert and this read: try once more.
      return this.create(cmd);
    },

    async findById(id: string): Promise<Command | null> {
      if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
      const row = (await knex('commands').where({ id }).first()) as Row | undefined;
      return row ? fromRow(row) : null;
    },

    async listForAgent(agentId: string, opts: { active?: boolean } = {}): Promise<Command[]> {
      const query = knex('commands').where({ agent_id: agentId }).orderBy('created_at');
      if (opts.active) query.whereIn('status', ACTIVE_COMMAND_STATUSES as CommandStatus[]);
      return ((await query) as Row[]).map(fromRow);
    },

    /** Commands the agent has not acknowledged yet and that have not expired, oldest first. */
    async undelivered(agentId: string): Promise<Command[]> {
      return (await this.undeliveredFor([agentId])).get(agentId) ?? [];
    },

    /** `undelivered` for many agents at once, grouped by agent. */
    async undeliveredFor(agentIds: string[]): Promise<Map<string, Command[]>> {
      const byAgent = new Map<string, Command[]>();
      if (agentIds.length === 0) return byAgent;
      const rows = (await knex('commands')
        .whereIn('agent_id', agentIds)
        .whereIn('status', ['pending', 'sent'])
        .where('expires_at', '>', knex.fn.now())
        .orderBy('created_at')) as Row[];
      for (const row of rows) {
        const list = byAgent.get(row.agent_id) ?? [];
        list.push(fromRow(row));
        byAgent.set(row.agent_id, list);
      }
      return byAgent;
    },

    /**
     * Records when commands went out and when their agents accepted them, many in one
     * statement. A command that moved on meanwhile (running, finished, cancelled) keeps its
     * status and only gets the times it had none for.
     */
    async recordDelivery(
      marks: ReadonlyArray<{ id: string; sentAt: Date; acknowledgedAt: Date | null }>,
    ): Promise<void> {
      if (marks.length === 0) return;
      await knex.raw(
        `update commands c
            set sent_at = coalesce(c.sent_at, m.sent_at),
                acknowledged_at = coalesce(c.acknowledged_at, m.acknowledged_at),
                status = case when c.status not in ('pending', 'sent') then c.status
                              when m.acknowledged_at is not null then 'acknowledged'
                              else 'sent' end
           from unnest(?::uuid[], ?::timestamptz[], ?::timestamptz[]) as m(id, sent_at, acknowledged_at)
          where c.id = m.id`,
        [
          marks.map((m) => m.id),
          marks.map((m) => m.sentAt.toISOString()),
          // null for a command not acknowledged yet; knex types arrays without nulls
          marks.map((m) => m.acknowledgedAt?.toISOString() ?? null) as unknown as string[],
        ],
      );
    },

    /** The agent verified and accepted the command; null if it was not waiting for that. */
    async markAcknowledged(id: string, agentId: string, at: Date): Promise<Command | null> {
      const rows = (await knex('commands')
        .where({ id, agent_id: agentId })
        .whereIn('status', ['pending', 'sent'])
        .update({ status: 'acknowledged', acknowledged_at: at })
        .returning('*')) as Row[];
      return rows[0] ? fromRow(rows[0]) : null;
    },

    /** The agent started it (first progress line); timestamps are the agent's. */
    async markRunning(id: string, agentId: string, at: Date): Promise<Command | null> {
      const rows = (await knex('commands')
        .where({ id, agent_id: agentId })
        .whereIn('status', ['pending', 'sent', 'acknowledged'])
        .update({ status: 'running', running_at: at })
        .returning('*')) as Row[];
      return rows[0] ? fromRow(rows[0]) : null;
    },

    /** The agent refused the command (bad signature, expired, replayed…). */
    async markRejected(id: string, agentId: string, reason: string): Promise<Command | null> {
      const rows = (await knex('commands')
        .where({ id, agent_id: agentId })
        .whereIn('status', ['pending', 'sent'])
        .update({ status: 'rejected', rejected_at: knex.fn.now(), error: reason })
        .returning('*')) as Row[];
      return rows[0] ? fromRow(rows[0]) : null;
    },

    /**
     * The agent's result. Accepted while the command is active, and also after a core-side
     * time-out or cancel (the agent's word on what happened wins over our guess); a result for
     * a command that already has one is a duplicate and changes nothing.
     */
    async finish(
      id: string,
      agentId: string,
      outcome: {
        status: 'succeeded' | 'failed' | 'cancelled' | 'rejected';
        startedAt: Date;
        finishedAt: Date;
        result: Record<string, unknown>;
        error: string | null;
      },
    ): Promise<Command | null> {
      const rows = (await knex('commands')
        .where({ id, agent_id: agentId })
        .whereIn('status', [...ACTIVE_COMMAND_STATUSES, 'timed_out', 'cancelled'])
        .whereNull('result')
        .update({
          status: outcome.status,
          running_at: knex.raw('coalesce(running_at, ?)', [outcome.startedAt]),
          [FINISHED_COLUMN[outcome.status]!]: outcome.finishedAt,
          result: JSON.stringify(outcome.result),
          error: outcome.error,
        })
        .returning('*')) as Row[];
      return rows[0] ? fromRow(rows[0]) : null;
    },

    /** Withdraws a command the agent has not acknowledged; returns it, or null when it was past that. */
    async cancel(id: string, reason: string): Promise<Command | null> {
      const rows = (await knex('commands')
        .where({ id })
        .whereIn('status', ['pending', 'sent'])
        .update({ status: 'cancelled', cancelled_at: knex.fn.now(), error: reason })
        .returning('*')) as Row[];
      return rows[0] ? fromRow(rows[0]) : null;
    },

    /**
     * Time-outs, all set-based: pending or sent commands past their expiry, and acknowledged or
     * running ones older than their type's limit (seconds by type, `default` otherwise).
     */
    async timeOut(limits: Record<string, number>): Promise<Command[]> {
      const now = knex.fn.now();
      const expired = (await knex('commands')
        .whereIn('status', ['pending', 'sent'])
        .where('expires_at', '<=', now)
        .update({ status: 'timed_out', timed_out_at: now, error: 'expired before the agent acknowledged it' })
        .returning('*')) as Row[];
      const types = Object.keys(limits).filter((t) => t !== 'default');
      const stuck = (await knex.raw(
        `update commands c
            set status = 'timed_out', timed_out_at = now(),
                error = 'no result within ' || l.seconds || ' s of its acknowledgement'
           from (select coalesce(t.seconds, ?) as seconds, c2.id
                   from commands c2
                   left join unnest(?::text[], ?::int[]) as t(type, seconds) on t.type = c2.type
                  where c2.status in ('acknowledged', 'running')) l
          where c.id = l.id
            and coalesce(c.running_at, c.acknowledged_at) <= now() - make_interval(secs => l.seconds)
          returning c.*`,
        [limits.default ?? 3600, types, types.map((t) => limits[t]!)],
      )) as { rows: Row[] };
      return [...expired, ...stuck.rows].map(fromRow);
    },

    /** Commands still occupying a dedup key, oldest first (diagnostics, API "active"). */
    async active(opts: { agentId?: string } = {}): Promise<Command[]> {
      const query = knex('commands').whereRaw(`status in ${ACTIVE_SQL}`).orderBy(['created_at', 'id']);
      if (opts.agentId) query.where({ agent_id: opts.agentId });
      return ((await query) as Row[]).map(fromRow);
    },

    /** Deletes finished commands created before `before` (retention); their output goes with them. */
    async pruneFinished(before: Date): Promise<number> {
      const rows = (await knex('commands')
        .whereNotIn('status', ACTIVE_COMMAND_STATUSES as CommandStatus[])
        .where('created_at', '<', before)
        .delete()
        .returning('id')) as unknown[];
      return rows.length;
    },

    /** The history, newest first, one keyset page at a time (stable while commands are added). */
    async page(filter: CommandFilter): Promise<CommandPage> {
      const query = knex('commands')
        .select('*', knex.raw('created_at::text as created_at_key'))
        .orderBy([
          { column: 'created_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .limit(filter.limit);
      if (filter.agentId) query.where({ agent_id: filter.agentId });
      if (filter.statuses?.length) query.whereIn('status', filter.statuses);
      if (filter.types?.length) query.whereIn('type', filter.types);
      if (filter.sources?.length) query.whereIn('source', filter.sources);
      if (filter.since) query.where('created_at', '>=', filter.since);
      if (filter.after)
        query.whereRaw('(created_at, id) < (?::timestamptz, ?::uuid)', [
          filter.after.createdAt,
          filter.after.id,
        ]);
      const rows = (await query) as Array<Row & { created_at_key: string }>;
      const last = rows.at(-1);
      return {
        items: rows.map(fromRow),
        lastKey:
          rows.length === filter.limit && last ? { createdAt: last.created_at_key, id: last.id } : null,
      };
    },
  };
}
