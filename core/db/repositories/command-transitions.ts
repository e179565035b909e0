import type { Knex } from 'knex';
import { ACTIVE_COMMAND_STATUSES } from '../../../broker/protocol/vocabulary.js';
import { type CommandRow as Row, FINISHED_COLUMN, fromRow } from './command-record.js';
import type { Command } from '../../domain/index.js';

/**
 * A stored command's status moves: delivery, the agent's acknowledgement, progress, result or
 * refusal, the operator's cancel and the core's time-outs. Each is one guarded update, so a
 * move that no longer applies (the command went on meanwhile) changes nothing.
 */
export function commandTransitions(knex: Knex) {
  return {
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
          // A result proves the command reached its agent and was accepted: when those marks were
          // lost (the core was killed before it wrote them, issue 25), the agent's start stands in.
          sent_at: knex.raw('coalesce(sent_at, ?)', [outcome.startedAt]),
          ...(outcome.status === 'rejected'
            ? {}
            : { acknowledged_at: knex.raw('coalesce(acknowledged_at, ?)', [outcome.startedAt]) }),
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
  };
}
