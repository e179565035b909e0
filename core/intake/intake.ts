import { randomUUID } from 'node:crypto';
import type {
  AckMessage,
  EventMessage,
  HelloMessage,
  MetricsMessage,
  PresenceMessage,
  ProgressMessage,
  ReceiptMessage,
  ResultMessage,
  ScanMessage,
  UpType,
} from '../../broker/protocol/index.js';
import type { EventRecorder } from '../events/index.js';
import type { Logger } from '../log/index.js';
import { MAX_PAYLOAD_BYTES, storableText } from '../../broker/protocol/index.js';
import { PerAgentQueue, type QueueLimits } from './agent-queue.js';
import { permanentStoreFailure } from './store-failure.js';
import { createStoreRetry } from './store-retry.js';
import { type IntakeType, MessageValidator } from './validator.js';

/** Messages the agent keeps in its spool until it gets a receipt (DESIGN.md §3.4). */
const DURABLE: ReadonlySet<UpType> = new Set(['scan', 'result', 'event']);
/** Superseded by the next one: not held while the database is away (issue 25 §5). */
const PASSING: ReadonlySet<IntakeType> = new Set(['progress', 'metrics']);

export type StoreOutcome = 'stored' | 'duplicate';

/**
 * One handler per message type (zigbee2mqtt/aedes style). Durable types return whether the
 * message was stored or already known; the receipt is sent only after that has committed.
 */
export interface IntakeHandlers {
  hello?(agentId: string, message: HelloMessage): Promise<void>;
  scan?(agentId: string, message: ScanMessage): Promise<StoreOutcome>;
  result?(agentId: string, message: ResultMessage): Promise<StoreOutcome>;
  event?(agentId: string, message: EventMessage): Promise<StoreOutcome>;
  ack?(agentId: string, message: AckMessage): Promise<void>;
  progress?(agentId: string, message: ProgressMessage): Promise<void>;
  metrics?(agentId: string, message: MetricsMessage): Promise<void>;
  presence?(agentId: string, message: PresenceMessage): Promise<void>;
}

export interface IntakeContext {
  events: EventRecorder;
  logger: Logger;
  sendReceipt(agentId: string, receipt: ReceiptMessage): Promise<void>;
  handlers: IntakeHandlers;
  /** How much may wait to be handled (QUEUE_LIMITS unless a test says otherwise). */
  queueLimits?: QueueLimits;
  /** The longest wait between tries of a message the database did not take (default 5 s). */
  retryMaxMs?: number;
  /**
   * True for an agent refused for an identity conflict (issue 21 §5): what its closed session
   * had sent is dropped unanswered (an agent keeps its spool until a receipt).
   */
  refuses?(agentId: string): Promise<boolean>;
}

/**
 * What may wait to be handled (issue 21 §8). Per agent: two of the largest scans, and more
 * progress lines than a chatty install sends while a slow ingest holds its turn. For all
 * agents: a fleet reconnecting at once with its spooled scans, not an unbounded heap.
 */
export const QUEUE_LIMITS: QueueLimits = {
  bytesPerAgent: 2 * MAX_PAYLOAD_BYTES.scan,
  messagesPerAgent: 10_000,
  bytes: 256 * 1024 * 1024,
};

export interface Intake {
  /** Queues a message from an agent; never throws. */
  accept(agentId: string, type: IntakeType, payload: Buffer): void;
  /** Queues other per-agent work (connect, disconnect) in the same order as its messages. */
  enqueue(agentId: string, work: () => Promise<void>): void;
  drain(): Promise<void>;
  /** A service of the core (issue 22 §3): stopping waits for the queued messages' handlers. */
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createIntake(ctx: IntakeContext): Intake {
  const log = ctx.logger.child({ component: 'intake' });
  const validator = new MessageValidator();
  const queue = new PerAgentQueue(
    (agentId, err) => log.error({ err, agentId }, 'handling an agent message failed'),
    ctx.queueLimits ?? QUEUE_LIMITS,
  );
  const retry = createStoreRetry(log, ctx.retryMaxMs);

  const receipt = (
    agentId: string,
    ackOf: string,
    type: UpType,
    status: ReceiptMessage['status'],
    reason?: string,
  ) =>
    ctx.sendReceipt(agentId, {
      v: 1,
      id: randomUUID(),
      ts: new Date().toISOString(),
      ackOf,
      type,
      status,
      ...(reason ? { reason } : {}),
    } as ReceiptMessage);

  async function handle(agentId: string, type: IntakeType, payload: Buffer) {
    if (await ctx.refuses?.(agentId)) {
      log.debug({ agentId, type }, 'dropped a message of an agent refused for an identity conflict');
      return;
    }
    const checked = validator.validate(type, payload);
    if (!checked.ok) {
      await ctx.events.recordLimited(`intake:${agentId}`, {
        type: 'protocol',
        subtype: 'message_rejected',
        severity: 'warning',
        component: 'intake',
        agentId,
        message: `rejected a ${type} message: ${checked.error}`,
        metadata: { messageType: type, bytes: payload.length, messageId: checked.id },
      });
      // The agent may drop a durable message it can never deliver; without an id it cannot be named.
      if (checked.id && type !== 'presence' && DURABLE.has(type))
        await receipt(agentId, checked.id, type, 'rejected', checked.error.slice(0, 500));
      return;
    }
    const handler = ctx.handlers[type] as
      ((agentId: string, m: unknown) => Promise<StoreOutcome | void>) | undefined;
    if (!handler) {
      log.debug({ agentId, type }, 'no handler for message type yet; not acknowledged');
      return;
    }
    const messageId = type === 'presence' ? null : (checked.message as { id: string }).id;
    let outcome: StoreOutcome | void;
    try {
      const store = () => handler(agentId, checked.message);
      outcome = PASSING.has(type) ? await store() : await retry.run(store, { agentId, type, messageId });
    } catch (err) {
      await storeFailed(agentId, type, messageId, err);
      return;
    }
    if (messageId && DURABLE.has(type as UpType) && outcome)
      await receipt(agentId, messageId, type as UpType, outcome);
  }

  /**
   * A valid message the core could not store. When a re-send would fail the same way, a durable
   * message is answered `rejected` so the agent drops it from its spool instead of sending it
   * forever; otherwise it is left unanswered and the agent sends it again later (issue 21 §8).
   */
  async function storeFailed(agentId: string, type: IntakeType, messageId: string | null, err: unknown) {
    const permanent = permanentStoreFailure(err);
    log.error(
      { err, agentId, type, messageId, permanent: permanent !== null },
      'storing an agent message failed',
    );
    const reason = storableText(
      permanent ?? `storing it failed, the agent sends it again: ${(err as Error)?.message ?? String(err)}`,
    );
    await ctx.events.recordLimited(`intake:${agentId}`, {
      type: 'protocol',
      subtype: permanent ? 'message_rejected' : 'message_not_stored',
      severity: permanent ? 'warning' : 'error',
      component: 'intake',
      agentId,
      message: `could not store a ${type} message: ${reason}`,
      metadata: { messageType: type, messageId },
    });
    if (permanent && messageId && DURABLE.has(type as UpType))
      await receipt(agentId, messageId, type as UpType, 'rejected', reason.slice(0, 500));
  }

  return {
    accept(agentId, type, payload) {
      if (queue.offer(agentId, payload.length, () => handle(agentId, type, payload))) return;
      // Not read, so not answered: a spooled message comes again when the agent re-sends.
      const waiting = queue.usage(agentId);
      void ctx.events.recordLimited(`intake:${agentId}`, {
        type: 'protocol',
        subtype: 'message_dropped',
        severity: 'warning',
        component: 'intake',
        agentId,
        message:
          `dropped an unread ${type} message of ${payload.length} bytes: ${waiting.messages} messages ` +
          `(${waiting.bytes} bytes) of this agent are still waiting; a spooled one is sent again later`,
        metadata: { messageType: type, bytes: payload.length, waiting },
      });
    },
    enqueue(agentId, work) {
      void queue.push(agentId, work);
    },
    drain: () => queue.drain(),
    name: 'intake',
    start: async () => {},
    stop: () => {
      retry.stop();
      return queue.drain();
    },
  };
}
