import type { CommandSource, CommandStatus } from '../../../broker/protocol/api-types.js';
import type { Command } from '../../domain/index.js';

export type CommandRow = Record<string, unknown> & {
  id: string;
  agent_id: string;
  status: CommandStatus;
};

export const FINISHED_COLUMN: Partial<Record<CommandStatus, string>> = {
  succeeded: 'succeeded_at',
  failed: 'failed_at',
  timed_out: 'timed_out_at',
  cancelled: 'cancelled_at',
  rejected: 'rejected_at',
};

function date(value: unknown): Date | null {
  return value ? new Date(value as string) : null;
}

export function fromRow(row: CommandRow): Command {
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
