import type {
  AckMessage,
  CommandMessage,
  CommandType,
  ProgressMessage,
  ResultMessage,
} from '../../broker/protocol/index.js';
import { signCommand } from '../../broker/protocol/index.js';
import {
  type Command,
  createBatcher,
  type Database,
  InactiveAgentError,
  UnsupportedCommandTypeError,
} from '../db/index.js';
import type { EventRecorder, LiveBus } from '../events/index.js';
import type { ServerKeyring } from '../fleet/index.js';
import type { Logger } from '../log/index.js';
import { createCommandOutput, type OutputCaps } from './output.js';
import { createDeliveryMarks } from './delivery-marks.js';
import { type CancelOutcome, CommandRequestError, type IssueRequest } from './requests.js';

export interface DispatcherContext {
  db: Database;
  keys: ServerKeyring;
  events: EventRecorder;
  logger: Logger;
  /** Publishes to the agent's down/command; resolves once the broker has taken it. */
  publish(agentId: string, payload: string): Promise<void>;
  isConnected(agentId: string): boolean;
  /** How long commands wait for an offline agent, and run once acknowledged (seconds by type). */
  limits?: { waitSeconds: number; timeoutSeconds: Record<string, number> };
  /**
   * Status changes and output lines go out as `command.status` and `command.output`; a final
   * status as `command.finished`, published: the parts that handle it (the install workflow
   * moves packages on) are done before the agent's result is answered.
   */
  bus?: LiveBus;
  /** How much output is stored per command (config `commands.outputMaxLines`/`outputMaxKiB`). */
  outputCaps?: OutputCaps;
}

const DEFAULT_LIMITS = { waitSeconds: 24 * 3600, timeoutSeconds: { default: 3600 } };
const DEFAULT_OUTPUT_CAPS: OutputCaps = { maxLines: 5000, maxChars: 1024 * 1024 };
/** How long `sent` and `acknowledged` gather before they are written together. */
const DELIVERY_MARK_DELAY_MS = 50;
const RETRYABLE = new Set(['failed', 'timed_out', 'cancelled', 'rejected']);

/**
 * Every action is a `commands` row first (the database is the truth, MQTT the transport);
 * then it is signed with the active server key and published when the agent listens, again on
 * each reconnect until it acknowledges (DESIGN.md §3.6).
 */
export function createDispatcher(ctx: DispatcherContext) {
  const log = ctx.logger.child({ component: 'commands' });
  const limits = ctx.limits ?? DEFAULT_LIMITS;
  // Agents reconnecting together (after a core restart) share one query.
  const loadUndelivered = createBatcher((agentIds: string[]) => ctx.db.commands.undeliveredFor(agentIds), {
    missing: [] as Command[],
    delayMs: 50,
  });

  const deliveries = createDeliveryMarks({
    write: (marks) => ctx.db.commands.recordDelivery(marks),
    logger: ctx.logger,
    delayMs: DELIVERY_MARK_DELAY_MS,
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

  const statusChanged = (command: Pick<Command, 'id' | 'agentId' | 'type' | 'status' | 'error'> | null) => {
    if (!command) return;
    ctx.bus?.emit('command.status', command.agentId, {
      commandId: command.id,
      type: command.type,
      status: command.status,
      error: command.error,
    });
  };

  const output = createCommandOutput({
    db: ctx.db,
    logger: ctx.logger,
    bus: ctx.bus,
    caps: ctx.outputCaps ?? DEFAULT_OUTPUT_CAPS,
    onFirstLine: async (commandId, agentId, at) =>
      statusChanged(await ctx.db.commands.markRunning(commandId, agentId, at)),
  });

  /** Output first, then the final status. */
  async function finished(command: Command) {
    await output.settle(command.id);
    statusChanged(command);
  }

  /**
   * What follows from a final status, its event already recorded: the bus's `command.finished`
   * (issue 22 §3), whose handlers (installs' package states) finish before this returns.
   */
  async function announceFinished(command: Command) {
    await ctx.bus?.publish('command.finished', command.agentId, {
      commandId: command.id,
      type: command.type,
      status: command.status,
      source: command.source,
      error: command.error,
    });
  }

  async function send(command: Command): Promise<boolean> {
    if (!ctx.isConnected(command.agentId)) return false;
    try {
      // Taken before the publish: the agent's ack (its clock) can come back before it resolves.
      const at = new Date();
      await ctx.publish(command.agentId, JSON.stringify(sign(command)));
      deliveries.sent(command, at);
      // A re-send (on reconnect) of a command already sent is no news.
      if (command.status === 'pending') statusChanged({ ...command, status: 'sent' });
      return true;
    } catch (err) {
      log.error({ err, commandId: command.id, agentId: command.agentId }, 'could not send command');
      return false;
    }
  }

  const recordFinished = (command: Command, severity: 'info' | 'warning', message: string) =>
    ctx.events.record({
      type: 'command',
      subtype: command.status,
      severity,
      component: 'commands',
      agentId: command.agentId,
      message,
      metadata: { commandId: command.id, commandType: command.type, attempt: command.attempt },
    });

  async function createCommand(req: IssueRequest) {
    try {
      return await ctx.db.commands.create({
        agentId: req.agentId,
        type: req.type,
        params: req.params ?? {},
        source: req.source ?? 'manual',
        createdBy: req.createdBy ?? null,
        dedupKey: req.dedupKey ?? null,
        idempotencyKey: req.idempotencyKey ?? null,
        retriedFromId: req.retriedFromId ?? null,
        attempt: req.attempt ?? 1,
        expiresAt: new Date(Date.now() + (req.ttlSeconds ?? limits.waitSeconds) * 1000),
      });
    } catch (err) {
      if (err instanceof InactiveAgentError) throw new CommandRequestError('agent_not_active', err.message);
      // Not queued: the agent would only refuse it `unknown_type` (issue 21 §7).
      if (err instanceof UnsupportedCommandTypeError)
        throw new CommandRequestError('command_type_unsupported', err.message, {
          agentId: err.agentId,
          type: err.type,
          runs: err.runs,
        });
      throw err;
    }
  }

  /** A `cancel` for a command the agent runs; a second request finds the first while it is active. */
  async function askAgentToStop(target: Command, by: string | null): Promise<Command> {
    const { command, created } = await dispatcher.issue({
      agentId: target.agentId,
      type: 'cancel',
      params: { commandId: target.id },
      createdBy: by,
      dedupKey: `cancel:${target.id}`,
    });
    if (created)
      await ctx.events.record({
        type: 'command',
        subtype: 'cancel_requested',
        severity: 'info',
        component: 'commands',
        agentId: target.agentId,
        message: `${by ?? 'someone'} asked the agent to stop ${target.type} command ${target.id} (${target.status}); cancel command ${command.id}`,
        metadata: { commandId: target.id, commandType: target.type, cancelCommandId: command.id },
      });
    return command;
  }

  const dispatcher = {
    name: 'dispatcher',

    /** Commands that ran out of time while the core was down are timed out first. */
    start: () => dispatcher.expireOverdue(),

    /** Output lines and delivery marks still waiting are written. */
    stop: () => dispatcher.drainOutput(),

    /**
     * Creates (or, for a dedup or idempotency key, finds) the command and sends it when it can.
     * Throws CommandRequestError `agent_not_active` for an unknown or revoked agent, and
     * `command_type_unsupported` for a type the agent's hello did not list.
     */
    async issue(req: IssueRequest): Promise<{ command: Command; created: boolean }> {
      const outcome = await createCommand(req);
      if (outcome.created) {
        statusChanged(outcome.command);
        await send(outcome.command);
      }
      return outcome;
    },

    /**
     * A new attempt of a finished command, linked to it by `retried_from_id`; with the same
     * params unless the caller gives new ones (an update_agent carries the current bundle).
     */
    async retry(commandId: string, by: string | null, params?: Record<string, unknown>): Promise<Command> {
      const previous = await ctx.db.commands.findById(commandId);
      if (!previous) throw new CommandRequestError('not_found', `no command with id ${commandId}`);
      if (!RETRYABLE.has(previous.status))
        throw new CommandRequestError(
          'not_retryable',
          `command ${commandId} is ${previous.status}; only failed, timed out, cancelled or rejected commands can be retried`,
        );
      const { command } = await dispatcher.issue({
        agentId: previous.agentId,
        type: previous.type as CommandType,
        params: params ?? previous.params,
        source: previous.source,
        createdBy: by,
        dedupKey: previous.dedupKey,
        retriedFromId: previous.id,
        attempt: previous.attempt + 1,
      });
      return command;
    },

    /**
     * Withdraws a command the agent has not acknowledged: it is `cancelled` here at once, and if
     * it was already sent the agent gets a signed `cancel` so it drops its copy. A command the
     * agent acknowledged (running) is left as it is and the agent gets the `cancel` (issue 21
     * §6): it stops it (the command's result says `cancelled`) or answers that it cannot stop
     * safely (the cancel command fails with `cannot_stop_safely`); the agent's word is final.
     */
    async cancel(commandId: string, by: string | null): Promise<CancelOutcome> {
      // Whether it went out, and whether the agent took it already, must be in the table first.
      await deliveries.flush();
      const cancelled = await ctx.db.commands.cancel(commandId, `cancelled by ${by ?? 'unknown'}`);
      if (!cancelled) {
        const current = await ctx.db.commands.findById(commandId);
        if (!current) throw new CommandRequestError('not_found', `no command with id ${commandId}`);
        if (current.status !== 'acknowledged' && current.status !== 'running')
          throw new CommandRequestError(
            'not_cancellable',
            `command ${commandId} is ${current.status}; only commands that have not finished can be cancelled`,
          );
        return { command: current, cancel: await askAgentToStop(current, by) };
      }
      await finished(cancelled);
      if (cancelled.sentAt)
        await dispatcher.issue({
          agentId: cancelled.agentId,
          type: 'cancel',
          params: { commandId: cancelled.id },
          createdBy: by,
        });
      await recordFinished(
        cancelled,
        'info',
        `${cancelled.type} command ${cancelled.id} cancelled by ${by ?? 'unknown'}`,
      );
      await announceFinished(cancelled);
      return { command: cancelled, cancel: null };
    },

    /** When the agent listens: what it has not acknowledged goes out, oldest first. */
    async deliverPending(agentId: string): Promise<number> {
      let sent = 0;
      for (const command of await loadUndelivered(agentId)) if (await send(command)) sent++;
      return sent;
    },

    /** Pending commands past their wait, and acknowledged ones past their run time, time out. */
    async expireOverdue(): Promise<void> {
      await deliveries.flush();
      for (const command of await ctx.db.commands.timeOut(limits.timeoutSeconds)) {
        await finished(command);
        await recordFinished(
          command,
          'warning',
          `${command.type} command ${command.id} timed out: ${command.error}`,
        );
        await announceFinished(command);
      }
    },

    /** The agent's `ack`: accepted, or refused with its reason (bad signature, expired, replayed…). */
    async acknowledge(agentId: string, ack: AckMessage) {
      if (ack.accepted) {
        const at = new Date(ack.ts);
        const marked = deliveries.acknowledged(ack.commandId, agentId, at);
        if (marked.kind === 'recorded')
          statusChanged({
            id: ack.commandId,
            agentId,
            type: marked.type,
            status: 'acknowledged',
            error: null,
          });
        // Sent before the marks' last write (a slow agent, or a core restart in between).
        if (marked.kind === 'unknown')
          statusChanged(await ctx.db.commands.markAcknowledged(ack.commandId, agentId, at));
        return;
      }
      const why = [ack.reason ?? 'refused', ack.detail].filter(Boolean).join(': ');
      const command = await ctx.db.commands.markRejected(ack.commandId, agentId, why);
      if (command) {
        await finished(command);
        await recordFinished(command, 'warning', `agent refused command ${ack.commandId}: ${why}`);
        await announceFinished(command);
      }
    },

    /** Output lines, stored and streamed in batches; the first says the command runs (the agent's clock). */
    async progress(agentId: string, progress: ProgressMessage) {
      output.add(agentId, progress);
    },

    /** The agent's `result`: stored once; a re-sent copy is a duplicate. */
    async result(agentId: string, result: ResultMessage): Promise<'stored' | 'duplicate'> {
      // Lines still on their way, and when it went out and was accepted, are stored before the
      // command is marked finished: a finished command's record is whole.
      await output.settle(result.commandId);
      await deliveries.flush();
      const done = await ctx.db.commands.finish(result.commandId, agentId, {
        status: result.status,
        startedAt: new Date(result.startedAt),
        finishedAt: new Date(result.finishedAt),
        result: {
          ...(result.exitCode === undefined ? {} : { exitCode: result.exitCode }),
          ...(result.output === undefined ? {} : { output: result.output }),
          ...(result.data === undefined ? {} : { data: result.data }),
        },
        error: result.error ?? null,
      });
      if (!done) return 'duplicate';
      await finished(done);
      await recordFinished(
        done,
        done.status === 'succeeded' ? 'info' : 'warning',
        `${done.type} command ${done.id} ${done.status}${done.error ? `: ${done.error}` : ''}`,
      );
      await announceFinished(done);
      return 'stored';
    },

    /** Output lines and delivery marks still waiting are written (shutdown). */
    drainOutput: async () => {
      await deliveries.close();
      await output.drain();
    },

    /** Delivery marks still waiting are written (for readers that need the table up to date now). */
    flushDeliveryMarks: () => deliveries.flush(),

    sign,
  };
  return dispatcher;
}

export type Dispatcher = ReturnType<typeof createDispatcher>;
