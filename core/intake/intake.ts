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
import { PerAgentQueue } from './agent-queue.js';
import { type IntakeType, MessageValidator } from './validator.js';

/** Messages the agent keeps in its spool until it gets a receipt (DESIGN.md §3.4). */
const DURABLE: ReadonlySet<UpType> = new Set(['scan', 'result', 'event']);

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
  /**
   * True for an agent refused for an identity conflict (issue 21 §5): what its closed session
   * had sent is dropped unanswered (an agent keeps its spool until a receipt).
   */
  refuses?(agentId: string): Promise<boolean>;
}

export interface Intake {
  /** Queues a message from an agent; never throws. */
  accept(agentId: string, type: IntakeType, payload: Buffer): void;
  /** Queues other per-agent work (connect, disconnect) in the same order as its messages. */
  enqueue(agentId: string, work: () => Promise<void>): void;
  drain(): Promise<void>;
}

export function createIntake(ctx: IntakeContext): Intake {
  const log = ctx.logger.child({ component: 'intake' });
  const validator = new MessageValidator();
  const queue = new PerAgentQueue((agentId, err) =>
    log.error({ err, agentId }, 'handling an agent message failed'),
  );

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
    const outcome = await handler(agentId, checked.message);
    if (type !== 'presence' && DURABLE.has(type) && outcome) {
      await receipt(agentId, (checked.message as { id: string }).id, type, outcome);
    }
  }

  return {
    accept(agentId, type, payload) {
      void queue.push(agentId, () => handle(agentId, type, payload));
    },
    enqueue(agentId, work) {
      void queue.push(agentId, work);
    },
    drain: () => queue.drain(),
  };
}
