export interface QueueLimits {
  /** Payload bytes waiting per agent. */
  bytesPerAgent: number;
  /** Messages waiting per agent. */
  messagesPerAgent: number;
  /** Payload bytes waiting for all agents together. */
  bytes: number;
}

interface Lane {
  tail: Promise<void>;
  messages: number;
  bytes: number;
}

/**
 * Runs each agent's work one item at a time, in arrival order, while different agents
 * proceed in parallel: a scan must not overtake the hello before it, a disconnect must not
 * overtake the connect.
 *
 * The broker hands messages over as fast as agents publish them, with no back-pressure, so
 * what waits here is bounded (issue 21 §8): a message beyond the limits is refused, never
 * queued. Only messages count; the core's own work (connect, disconnect) is always queued.
 */
export class PerAgentQueue {
  private readonly lanes = new Map<string, Lane>();
  private bytes = 0;

  constructor(
    private readonly onError: (agentId: string, err: unknown) => void,
    private readonly limits: QueueLimits = {
      bytesPerAgent: Infinity,
      messagesPerAgent: Infinity,
      bytes: Infinity,
    },
  ) {}

  /** Queues a message of `bytes`; false (and nothing queued) when that would pass a limit. */
  offer(agentId: string, bytes: number, work: () => Promise<void>): boolean {
    const lane = this.lanes.get(agentId);
    if (
      this.bytes + bytes > this.limits.bytes ||
      (lane?.bytes ?? 0) + bytes > this.limits.bytesPerAgent ||
      (lane?.messages ?? 0) + 1 > this.limits.messagesPerAgent
    )
      return false;
    void this.enqueue(agentId, work, 1, bytes);
    return true;
  }

  /** Queues the core's own work for an agent (connect, disconnect): never refused, not counted. */
  push(agentId: string, work: () => Promise<void>): Promise<void> {
    return this.enqueue(agentId, work, 0, 0);
  }

  private enqueue(agentId: string, work: () => Promise<void>, messages: number, bytes: number) {
    let lane = this.lanes.get(agentId);
    if (!lane) {
      lane = { tail: Promise.resolve(), messages: 0, bytes: 0 };
      this.lanes.set(agentId, lane);
    }
    lane.messages += messages;
    lane.bytes += bytes;
    this.bytes += bytes;
    const current = lane;
    const next = lane.tail
      .then(work)
      .catch((err: unknown) => this.onError(agentId, err))
      .finally(() => {
        current.messages -= messages;
        current.bytes -= bytes;
        this.bytes -= bytes;
        // Nothing more behind it: the lane goes, so idle and departed agents cost nothing.
        if (current.tail === next) this.lanes.delete(agentId);
      });
    lane.tail = next;
    return next;
  }

  /** What waits now (tests, and the event saying a message was refused). */
  usage(agentId?: string): { lanes: number; messages: number; bytes: number } {
    if (agentId === undefined)
      return {
        lanes: this.lanes.size,
        messages: [...this.lanes.values()].reduce((n, l) => n + l.messages, 0),
        bytes: this.bytes,
      };
    const lane = this.lanes.get(agentId);
    return { lanes: lane ? 1 : 0, messages: lane?.messages ?? 0, bytes: lane?.bytes ?? 0 };
  }

  /** Resolves when everything queued so far has run (shutdown, tests). */
  async drain(): Promise<void> {
    while (this.lanes.size) await Promise.all([...this.lanes.values()].map((l) => l.tail));
  }
}
