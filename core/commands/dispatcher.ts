import {
  type AckMessage,
  type CommandMessage,
  type CommandType,
  signCommand,
} from '../../broker/protocol/index.js';
import { type Command, type CommandSource, createBatcher, type Database } from '../db/index.js';
import type { EventRecorder } from '../events/index.js';
import type { ServerKeyring } from '../fleet/index.js';
import type { Logger } from '../log/index.js';

export interface DispatcherContext {
  db: Database;
  keys: ServerKeyring;
  events: EventRecorder;
  logger: Logger;
  /** Publishes to the agent's down/command; resolves once the broker has taken it. */
  publish(agentId: string, payload: string): Promise<void>;
  isConnected(agentId: string): boolean;
}

export interface IssueRequest {
  agentId: string;
  type: CommandType;
  params?: Record<string, unknown>;
  source?: CommandSource;
  createdBy?: string | null;
  /** How long the command may wait for the agent before it times out. */
  ttlSeconds?: number;
  dedupKey?: string | null;
}

const DEFAULT_TTL_SECONDS = 3600;

/**
 * Every action is a `commands` row first (the database is the truth, MQTT the transport);
 * then it is signed with the active server key and published when the agent is connected,
 * or on its next connect, until it acknowledges.
 */
export function createDispatcher(ctx: DispatcherContext) {
  const log = ctx.logger.child({ component: 'commands' });
  // Agents reconnecting together (after a core restart) share one query.
  const loadUndelivered = createBatcher((agentIds: string[]) => ctx.db.commands.undeliveredFor(agentIds), {
    missing: [] as Command[],
    delayMs: 50,
  });

  function sign(command: Command): CommandMessage {
    const key = ctx.keys.active();
    return signCommand(
      {
        id: command.id,
        agentId: command.agentId,
        type: command.type as CommandType,
        params: command.params,
        issuedAt: command.createdAt.toISOString(),
        expiresAt: command.expiresAt.toISOString(),
        attempt: command.attempt,
        keyId: key.keyId,
      },
      key.privateKey,
    );
  }

  async function send(command: Command): Promise<boolean> {
    if (!ctx.isConnected(command.agentId)) return false;
    try {
      await ctx.publish(command.agentId, JSON.stringify(sign(command)));
      await ctx.db.commands.markSent(command.id);
      return true;
    } catch (err) {
      log.error({ err, commandId: command.id, agentId: command.agentId }, 'could not send command');
      return false;
    }
  }

  return {
    async issue(req: IssueRequest): Promise<Command> {
      const command = await ctx.db.commands.create({
        agentId: req.agentId,
        type: req.type,
        params: req.params ?? {},
        source: req.source ?? 'manual',
        createdBy: req.createdBy ?? null,
        dedupKey: req.dedupKey ?? null,
        expiresAt: new Date(Date.now() + (req.ttlSeconds ?? DEFAULT_TTL_SECONDS) * 1000),
      });
      await send(command);
      return command;
    },

    /**
     * When the agent listens: what it has not acknowledged goes out, oldest first. Expired
     * commands are left out here and marked timed_out by `expireOverdue` (on a timer).
     */
    async deliverPending(agentId: string): Promise<number> {
      let sent = 0;
      for (const command of await loadUndelivered(agentId)) if (await send(command)) sent++;
      return sent;
    },

    async expireOverdue(): Promise<void> {
      for (const command of await ctx.db.commands.expireOverdue()) {
        await ctx.events.record({
          type: 'command',
          subtype: 'timed_out',
          severity: 'warning',
          component: 'commands',
          agentId: command.agentId,
          message: `${command.type} command ${command.id} expired before the agent acknowledged it`,
          metadata: { commandId: command.id },
        });
      }
    },

    /** The agent's `ack`: accepted, or refused with its reason (bad signature, expired, replayed…). */
    async acknowledge(agentId: string, ack: AckMessage) {
      if (ack.accepted) {
        await ctx.db.commands.markAcknowledged(ack.commandId, agentId, new Date(ack.ts));
        return;
      }
      const why = [ack.reason ?? 'refused', ack.detail].filter(Boolean).join(': ');
      if (await ctx.db.commands.markRejected(ack.commandId, agentId, why))
        await ctx.events.record({
          type: 'command',
          subtype: 'rejected',
          severity: 'warning',
          component: 'commands',
          agentId,
          message: `agent refused command ${ack.commandId}: ${why}`,
          metadata: { commandId: ack.commandId, reason: ack.reason, detail: ack.detail },
        });
    },

    sign,
  };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;
