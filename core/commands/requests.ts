import type { CommandType } from '../../broker/protocol/index.js';
import type { Command, CommandSource } from '../db/index.js';

export interface IssueRequest {
  agentId: string;
  type: CommandType;
  params?: Record<string, unknown>;
  source?: CommandSource;
  createdBy?: string | null;
  /** How long the command may wait for the agent before it times out. */
  ttlSeconds?: number;
  /** One active command per agent and key: a second "scan apt now" gets the first one back. */
  dedupKey?: string | null;
  /** The same key always gets the same command (an API client's retry of its own request). */
  idempotencyKey?: string | null;
  retriedFromId?: string | null;
  attempt?: number;
}

/**
 * What a cancel did: `cancel` is null when the command was withdrawn here (it is `cancelled`
 * now); otherwise the `cancel` command sent to the agent that runs it, whose result says
 * whether it stopped (issue 21 §6).
 */
export interface CancelOutcome {
  command: Command;
  cancel: Command | null;
}

/** A request about a command that cannot be done as asked; `code` names why. */
export class CommandRequestError extends Error {
  override name = 'CommandRequestError';
  constructor(
    readonly code:
      'not_found' | 'agent_not_active' | 'not_retryable' | 'not_cancellable' | 'command_type_unsupported',
    message: string,
    /** For `command_type_unsupported`: the agent, the type, and the types it runs. */
    readonly details?: { agentId: string; type: string; runs: string[] },
  ) {
    super(message);
  }
}

/**
 * The command, or null when its agent is unknown or revoked: for callers that pass over such
 * hosts (a revocation raced them) instead of failing.
 */
export async function unlessAgentInactive<T>(issuing: Promise<T>): Promise<T | null> {
  try {
    return await issuing;
  } catch (err) {
    if (err instanceof CommandRequestError && err.code === 'agent_not_active') return null;
    throw err;
  }
}
