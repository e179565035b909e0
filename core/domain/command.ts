import type { CommandSource, CommandStatus } from '../../broker/protocol/api-types.js';

/** A command as the core keeps it (the `commands` table; DESIGN.md §3.6). */
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
