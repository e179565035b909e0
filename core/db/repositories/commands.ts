import type { Knex } from 'knex';
import { BASELINE_COMMAND_TYPES } from '../../../broker/protocol/index.js';
import { isUuid } from './agents.js';
import { InactiveAgentError, UnsupportedCommandTypeError } from './command-errors.js';
import { type CommandRow as Row, fromRow } from './command-record.js';
import { commandTransitions } from './command-transitions.js';
import type { CommandSource, CommandStatus } from '../../../broker/protocol/api-types.js';
import { ACTIVE_COMMAND_STATUSES as ACTIVE } from '../../../broker/protocol/vocabulary.js';
import type { Command } from '../../domain/index.js';

export type { CommandSource, CommandStatus };
export { InactiveAgentError, UnsupportedCommandTypeError };

/** Statuses in which a command still occupies its dedup key. */
export const ACTIVE_COMMAND_STATUSES: readonly CommandStatus[] = ACTIVE;

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

const ACTIVE_SQL = `('pending', 'sent', 'acknowledged', 'running')`;

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
    ...commandTransitions(knex),

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
