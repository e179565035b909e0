/** Commands and their output (docs/api.md "Commands"). */
import type { CommandStatus, CommandSource } from '../vocabulary-types.js';

/** GET /api/v1/commands filters; lists are comma-separated (`failed,timed_out`). */
export interface CommandQuery {
  agent?: string;
  status?: string;
  type?: string;
  source?: string;
  /** Created at or after (ISO 8601). */
  since?: string;
}

export interface Command {
  id: string;
  agentId: string;
  type: string;
  params?: Record<string, unknown>;
  status: CommandStatus;
  source?: CommandSource;
  /** While active, a second command with the same key returns this one (HTTP 409). */
  dedupKey?: string | null;
  retriedFromId?: string | null;
  attempt?: number;
  createdBy?: string | null;
  createdAt?: string;
  expiresAt?: string;
  sentAt?: string | null;
  acknowledgedAt?: string | null;
  runningAt?: string | null;
  finishedAt?: string | null;
  result?: Record<string, unknown> | null;
  error?: string | null;
}

/** One stored or streamed output line (GET /api/v1/commands/{id}/output, live `command.output`). */
export interface CommandOutputLine {
  /** The agent's order; unique per command, so it is what merges the backlog and live lines. */
  seq: number;
  ts: string;
  /** `status` is the agent's (or the core's) narration: "apt-get -s install bash", "output truncated …". */
  stream: 'stdout' | 'stderr' | 'status' | string;
  line: string;
  percent?: number | null;
}

/** GET /api/v1/commands/{id}/output: one page of lines; `next` is the `after` of the next page. */
export interface CommandOutputPage {
  commandId: string;
  status: CommandStatus;
  lines: CommandOutputLine[];
  next: number | null;
}
