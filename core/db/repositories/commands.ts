import type { Knex } from 'knex';

export type CommandStatus =
  | 'pending'
  | 'sent'
  | 'acknowledged'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'timed_out'
  | 'cancelled'
  | 'rejected';

export type CommandSource = 'manual' | 'policy' | 'schedule' | 'integration';

export interface Command {
  id: string;
  agentId: string;
  type: string;
  params: Record<string, unknown>;
  status: CommandStatus;
  source: CommandSource;
  dedupKey: string | null;
  attempt: number;
  createdBy: string | null;
  createdAt: Date;
  expiresAt: Date;
  sentAt: Date | null;
  acknowledgedAt: Date | null;
  error: string | null;
}

export interface NewCommand {
  agentId: string;
  type: string;
  params: Record<string, unknown>;
  source: CommandSource;
  expiresAt: Date;
  dedupKey?: string | null;
  createdBy?: string | null;
}

interface Row {
  id: string;
  agent_id: string;
  type: string;
  params: Record<string, unknown>;
  status: CommandStatus;
  source: CommandSource;
  dedup_key: string | null;
  attempt: number;
  created_by: string | null;
  created_at: Date;
  expires_at: Date;
  sent_at: Date | null;
  acknowledged_at: Date | null;
  error: string | null;
}

function fromRow(row: Row): Command {
  return {
    id: row.id,
    agentId: row.agent_id,
    type: row.type,
    params: row.params,
    status: row.status,
    source: row.source,
    dedupKey: row.dedup_key,
    attempt: row.attempt,
    createdBy: row.created_by,
    createdAt: new Date(row.created_at),
    expiresAt: new Date(row.expires_at),
    sentAt: row.sent_at ? new Date(row.sent_at) : null,
    acknowledgedAt: row.acknowledged_at ? new Date(row.acknowledged_at) : null,
    error: row.error,
  };
}

export function commandsRepository(knex: Knex) {
  return {
    async create(cmd: NewCommand): Promise<Command> {
      const [row] = (await knex('commands')
        .insert({
          agent_id: cmd.agentId,
          type: cmd.type,
          params: JSON.stringify(cmd.params),
          source: cmd.source,
          expires_at: cmd.expiresAt,
          dedup_key: cmd.dedupKey ?? null,
          created_by: cmd.createdBy ?? null,
        })
        .returning('*')) as Row[];
      return fromRow(row!);
    },

    async findById(id: string): Promise<Command | null> {
      const row = (await knex('commands').where({ id }).first()) as Row | undefined;
      return row ? fromRow(row) : null;
    },

    /** Commands the agent has not acknowledged yet and that have not expired, oldest first. */
    async undelivered(agentId: string): Promise<Command[]> {
      return (
        (await knex('commands')
          .where({ agent_id: agentId })
          .whereIn('status', ['pending', 'sent'])
          .where('expires_at', '>', knex.fn.now())
          .orderBy('created_at')) as Row[]
      ).map(fromRow);
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

    async markSent(id: string): Promise<void> {
      await knex('commands')
        .where({ id, status: 'pending' })
        .update({ status: 'sent', sent_at: knex.fn.now() });
    },

    /** The agent verified and accepted the command; returns false if it was not waiting for that. */
    async markAcknowledged(id: string, agentId: string, at: Date): Promise<boolean> {
      const count = await knex('commands')
        .where({ id, agent_id: agentId })
        .whereIn('status', ['pending', 'sent'])
        .update({ status: 'acknowledged', acknowledged_at: at });
      return count > 0;
    },

    /** The agent refused the command (bad signature, expired, replayed…). */
    async markRejected(id: string, agentId: string, reason: string): Promise<boolean> {
      const count = await knex('commands')
        .where({ id, agent_id: agentId })
        .whereIn('status', ['pending', 'sent'])
        .update({ status: 'rejected', rejected_at: knex.fn.now(), error: reason });
      return count > 0;
    },

    /** Pending or sent commands past their expiry become timed_out; returns them. */
    async expireOverdue(): Promise<Command[]> {
      const rows = (await knex('commands')
        .whereIn('status', ['pending', 'sent'])
        .where('expires_at', '<=', knex.fn.now())
        .update({
          status: 'timed_out',
          timed_out_at: knex.fn.now(),
          error: 'expired before the agent acknowledged it',
        })
        .returning('*')) as Row[];
      return rows.map(fromRow);
    },
  };
}
