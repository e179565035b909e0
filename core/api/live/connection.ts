import type { WebSocket } from 'ws';
import type { LiveBus, LiveEvent } from '../../events/index.js';
import type { SubscribeMessage } from './messages.js';

/** Close codes of the live stream (4000–4999 are the application's, RFC 6455 §7.4.2). */
export const CLOSE = {
  /** The session or API token the stream was opened with ended (sign-out, revocation, expiry, disabled user). */
  sessionEnded: 4001,
  /** The client fell too far behind; it should reconnect with `since`. */
  slowConsumer: 4008,
  /** No answer to the previous ping. */
  noPong: 4009,
} as const;

/** An event as sent: serialised once, whoever receives it. */
export interface EncodedEvent {
  event: LiveEvent;
  text: string;
}

export function encodeEvent(event: LiveEvent): EncodedEvent {
  return { event, text: JSON.stringify({ type: 'event', ...event }) };
}

/**
 * One client of the live stream: its filter, its send queue (the socket's own buffer, bounded)
 * and its heartbeat state. Sending never waits: a client whose queue grows past the bound is
 * closed with 4008, so a slow reader cannot hold events or memory in the core.
 */
export class LiveConnection {
  private agents: Set<string> | null = null;
  private kinds: Set<string> | null = null;
  private limit: number;
  closed = false;
  /** Answered the last ping. */
  alive = true;

  constructor(
    readonly socket: WebSocket,
    private readonly maxQueuedBytes: number,
    private readonly onDropped: (why: string) => void,
  ) {
    this.limit = maxQueuedBytes;
  }

  matches(event: LiveEvent): boolean {
    if (this.kinds && !this.kinds.has(event.kind)) return false;
    if (this.agents && (event.agentId === null || !this.agents.has(event.agentId))) return false;
    return true;
  }

  sendJson(message: object): void {
    this.send(JSON.stringify(message));
  }

  deliver(encoded: EncodedEvent): void {
    if (this.matches(encoded.event)) this.send(encoded.text);
  }

  /**
   * Applies a subscription in one synchronous step: the replay from the ring buffer and the
   * switch to live events happen with no event in between, so nothing is missed or doubled.
   */
  subscribe(bus: LiveBus, message: SubscribeMessage): void {
    this.agents = message.agents ? new Set(message.agents.map((a) => a.toLowerCase())) : null;
    this.kinds = message.kinds ? new Set(message.kinds) : null;
    let replayed = 0;
    if (message.since !== undefined) {
      const replay = bus.since(message.since, message.stream);
      if (replay.ok) {
        let bytes = 0;
        for (const event of replay.events) {
          if (!this.matches(event)) continue;
          const { text } = encodeEvent(event);
          bytes += text.length;
          this.socket.send(text);
          replayed++;
        }
        // A replay may fill the queue beyond the bound at once; it is allowed to drain.
        this.limit = this.maxQueuedBytes + bytes;
      } else
        this.sendJson({
          type: 'reset',
          reason: replay.reason,
          stream: bus.stream,
          oldestId: replay.oldestId,
          lastId: replay.lastId,
          message:
            replay.reason === 'too_old'
              ? `events after ${message.since} are no longer kept; reload the state and continue from lastId`
              : 'those ids are from another stream (the core restarted, or this is another core); reload the state and continue from lastId',
        });
    }
    this.sendJson({
      type: 'subscribed',
      stream: bus.stream,
      lastId: bus.lastId,
      replayed,
      agents: message.agents ?? null,
      kinds: message.kinds ?? null,
    });
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close(code, reason);
    // A client that does not read will not answer the close handshake either.
    setTimeout(() => this.socket.terminate(), 10_000).unref();
  }

  private send(text: string): void {
    if (this.closed) return;
    this.socket.send(text);
    const queued = this.socket.bufferedAmount;
    if (queued <= this.maxQueuedBytes) this.limit = this.maxQueuedBytes;
    else if (queued > this.limit) {
      const why = `slow consumer: ${Math.round(queued / 1024)} KiB waiting to be sent`;
      this.close(CLOSE.slowConsumer, why);
      this.onDropped(why);
    }
  }
}
