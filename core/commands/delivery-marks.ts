import type { Logger } from '../log/index.js';

/** When a command went out, and when its agent accepted it, waiting to be written. */
export interface DeliveryMark {
  id: string;
  sentAt: Date;
  acknowledgedAt: Date | null;
}

export interface DeliveryMarksContext {
  /** Writes many marks in one statement. */
  write(marks: DeliveryMark[]): Promise<void>;
  logger: Logger;
  /** How long marks gather before they are written together. */
  delayMs: number;
}

interface Waiting {
  agentId: string;
  type: string;
  sentAt: Date;
  acknowledgedAt: Date | null;
}

export type AckOutcome = { kind: 'recorded'; type: string } | { kind: 'repeated' } | { kind: 'unknown' };

/**
 * The bookkeeping of delivery (`sent`, then `acknowledged`), written a little later and many
 * commands at once instead of two writes per command. An online agent acknowledges within
 * milliseconds, so both steps of a command usually go in the same write; and that write no
 * longer sits in front of the next command's insert (PGlite runs one statement at a time, on
 * the core's own thread). The live bus hears of each step when it happens; the table within
 * `delayMs`. Losing the marks to a crash loses nothing that matters: the command is still
 * `pending` in the table, so it goes out again on reconnect and the agent repeats its answer.
 */
export function createDeliveryMarks(ctx: DeliveryMarksContext) {
  const log = ctx.logger.child({ component: 'commands' });
  let waiting = new Map<string, Waiting>();
  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<void> = Promise.resolve();

  function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = null;
    if (waiting.size === 0) return writing;
    const marks = [...waiting].map(([id, m]) => ({ id, sentAt: m.sentAt, acknowledgedAt: m.acknowledgedAt }));
    waiting = new Map();
    // One write at a time: whoever waits for `flush` knows every earlier mark is in the table.
    writing = writing
      .then(() => ctx.write(marks))
      .catch((err: unknown) =>
        log.error({ err, commands: marks.length }, 'could not record the delivery of commands'),
      );
    return writing;
  }

  return {
    /** The command went out to its agent (a re-send keeps the first time). */
    sent(command: { id: string; agentId: string; type: string }, at: Date) {
      const { id, agentId, type } = command;
      if (!waiting.has(id)) waiting.set(id, { agentId, type, sentAt: at, acknowledgedAt: null });
      timer ??= setTimeout(() => void flush(), ctx.delayMs);
    },

    /**
     * The agent accepted a command: `recorded` (with the command's type) when it is one of the
     * marks still waiting, so it is known to be sent to that agent and not acknowledged yet;
     * `repeated` for a second ack of it; `unknown` otherwise, and the caller asks the table.
     */
    acknowledged(id: string, agentId: string, at: Date): AckOutcome {
      const mark = waiting.get(id);
      if (!mark || mark.agentId !== agentId) return { kind: 'unknown' };
      if (mark.acknowledgedAt) return { kind: 'repeated' };
      mark.acknowledgedAt = at;
      return { kind: 'recorded', type: mark.type };
    },

    /** Everything waiting is written: before a step that reads or moves the status (cancel, time-outs, a result, shutdown). */
    flush,
  };
}

export type DeliveryMarks = ReturnType<typeof createDeliveryMarks>;
