import type { Logger } from 'pino';
import type { ReceiptMessage, UpType } from '../broker/protocol/index.js';
import type { Spool } from './state/spool.js';

export interface Publisher {
  readonly online: boolean;
  publish(type: UpType, message: object): Promise<boolean>;
}

export interface DeliveryOptions {
  spool: Spool;
  connection: Publisher;
  /** Re-send a message whose receipt has not come within this long (same connection). */
  resendAfterMs: number;
  logger: Logger;
  onReceipt?(receipt: ReceiptMessage, wasSpooled: boolean): void;
}

/**
 * Sends the spool to the core, oldest first, after every (re)connect and whenever something is
 * added; re-sends what is not receipted in time; drops a message when its receipt arrives
 * (docs/protocol.md "Delivery"). A message keeps its id on every re-send, so the core answers
 * `duplicate` instead of storing it twice; `ts` says when this copy went out.
 */
export class SpoolDelivery {
  private readonly sentAt = new Map<string, number>();
  private pumping: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private readonly log: Logger;

  constructor(private readonly opts: DeliveryOptions) {
    this.log = opts.logger.child({ component: 'delivery' });
  }

  start(): void {
    this.unsubscribe = this.opts.spool.onChange(() => this.kick());
    this.timer = setInterval(() => this.kick(), Math.max(1000, Math.floor(this.opts.resendAfterMs / 2)));
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.unsubscribe?.();
    await this.pumping;
  }

  /** A new connection: everything unreceipted goes out again, in order. */
  connectionUp(): void {
    this.sentAt.clear();
    this.kick();
  }

  /** The core committed (or refused for good) one of our messages: it leaves the spool. */
  async receipt(receipt: ReceiptMessage): Promise<void> {
    // Removed from the spool first: a pass running meanwhile still sees it as sent, not as due.
    const wasSpooled = await this.opts.spool.remove(receipt.ackOf);
    this.sentAt.delete(receipt.ackOf);
    if (receipt.status === 'rejected')
      this.log.warn(
        { messageId: receipt.ackOf, type: receipt.type, reason: receipt.reason },
        'the core refused a message for good',
      );
    else this.log.debug({ messageId: receipt.ackOf, type: receipt.type, status: receipt.status }, 'receipt');
    this.opts.onReceipt?.(receipt, wasSpooled);
  }

  /** Sends what is due; a call while sending makes the running pass go round once more. */
  kick(): void {
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = (async () => {
      do {
        this.again = false;
        await this.sendDue();
      } while (this.again && this.opts.connection.online);
    })()
      .catch((err: unknown) => this.log.error({ err }, 'sending the spool failed'))
      .finally(() => {
        this.pumping = null;
      });
  }

  private async sendDue(): Promise<void> {
    const { spool, connection, resendAfterMs } = this.opts;
    for (const entry of [...spool.list()]) {
      if (!connection.online) return;
      const sent = this.sentAt.get(entry.id);
      if (sent !== undefined && Date.now() - sent < resendAfterMs) continue;
      const message = await spool.read(entry);
      if (!message || !spool.has(entry.id)) continue; // receipted meanwhile, or unreadable
      message.ts = new Date().toISOString();
      this.sentAt.set(entry.id, Date.now());
      if (!(await connection.publish(entry.type, message))) {
        this.sentAt.delete(entry.id);
        return; // offline: the next connect sends it
      }
    }
  }
}
