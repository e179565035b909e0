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
  /** The longest wait between tries of a write that failed (default 5 s). */
  retryMaxMs?: number;
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
 * A write the database refuses (it dropped out) is tried again until it works.
 */
export function createDeliveryMarks(ctx: DeliveryMarksContext) {
  const log = ctx.logger.child({ component: 'commands' });
  let waiting = new Map<string, Waiting>();
  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<void> = Promise.resolve();

  let failures = 0;
  let lastError: unknown = null;
  let closed = false;
  /** Batches taken from `waiting` whose write has not finished. */
  const writingNow = new Set<Map<string, Waiting>>();

  /**
   * Writes what waits. Rejects when that write failed (the marks wait for the next try): a
   * caller about to move a command on (its result) must not, or the table would show a
   * finished command without the times it was sent and acknowledged.
   */
  function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = null;
    if (waiting.size === 0) return writing.then(() => (failures > 0 ? Promise.reject(lastError) : undefined));
    const batch = waiting;
    const marks = [...batch].map(([id, m]) => ({ id, sentAt: m.sentAt, acknowledgedAt: m.acknowledgedAt }));
    waiting = new Map();
    // One write at a time: whoever waits for `flush` knows every earlier mark is in the table.
    writingNow.add(batch);
    const attempt = writing.then(() => ctx.write(marks)).finally(() => writingNow.delete(batch));
    writing = attempt.then(
      () => {
        if (failures > 0) log.info({ commands: marks.length, failures }, 'recorded the delivery of commands');
        failures = 0;
      },
      (err: unknown) => requeue(batch, err),
    );
    return attempt;
  }

  /**
   * A write that failed (the database dropped out) goes back in the queue and is tried again,
   * sooner at first, then every few seconds, until it is written (issue 25 §3): a command the
   * agent acknowledged must not stay `pending` in the table, nor finish without its times.
   */
  function requeue(batch: Map<string, Waiting>, err: unknown): void {
    const code = (err as { code?: unknown } | null)?.code;
    if (typeof code === 'string' && code.startsWith('22')) {
      // A data exception (an acknowledgement time out of range): the same write would fail for
      // ever and hold up every result behind it, so these marks are given up.
      log.error({ err, commands: batch.size }, 'the database refused these delivery marks; they are dropped');
      return;
    }
    failures++;
    lastError = err;
    for (const [id, mark] of batch) {
      const newer = waiting.get(id);
      waiting.set(
        id,
        newer ? { ...mark, acknowledgedAt: mark.acknowledgedAt ?? newer.acknowledgedAt } : mark,
      );
    }
    const retryMs = Math.min(ctx.retryMaxMs ?? 5000, 250 * 2 ** (failures - 1));
    const fields = { err, commands: waiting.size, failures, retryMs };
    if (failures === 1) log.error(fields, 'could not record the delivery of commands; trying again');
    else log.warn(fields, 'could not record the delivery of commands; trying again');
    if (!closed) timer ??= setTimeout(() => void flush().catch(() => {}), retryMs);
  }

  return {
    /** The command went out to its agent (a re-send keeps the first time). */
    sent(command: { id: string; agentId: string; type: string }, at: Date) {
      const { id, agentId, type } = command;
      if (!waiting.has(id)) waiting.set(id, { agentId, type, sentAt: at, acknowledgedAt: null });
      timer ??= setTimeout(() => void flush().catch(() => {}), ctx.delayMs);
    },

    /**
     * The agent accepted a command: `recorded` (with the command's type) when it is one of the
     * marks still waiting, so it is known to be sent to that agent and not acknowledged yet;
     * `repeated` for a second ack of it; `unknown` otherwise, and the caller asks the table.
     */
    acknowledged(id: string, agentId: string, at: Date): AckOutcome {
      const mark = waiting.get(id);
      if (mark) {
        if (mark.agentId !== agentId) return { kind: 'unknown' };
        if (mark.acknowledgedAt) return { kind: 'repeated' };
        mark.acknowledgedAt = at;
        return { kind: 'recorded', type: mark.type };
      }
      // Its `sent` is being written now: the acknowledgement follows it in the next write
      // (asking the table instead would lose it if the database is away, issue 25 §3).
      for (const batch of writingNow) {
        const sent = batch.get(id);
        if (!sent || sent.agentId !== agentId) continue;
        if (sent.acknowledgedAt) return { kind: 'repeated' };
        waiting.set(id, { ...sent, acknowledgedAt: at });
        timer ??= setTimeout(() => void flush().catch(() => {}), ctx.delayMs);
        return { kind: 'recorded', type: sent.type };
      }
      return { kind: 'unknown' };
    },

    /** Everything waiting is written: before a step that reads or moves the status (cancel, time-outs, a result, shutdown). */
    flush,

    /** Shutdown: one last write of what waits, and no more tries after it. */
    async close(): Promise<void> {
      closed = true;
      await flush().catch(() => {}); // logged; what the database would not take is lost with the process
    },
  };
}

export type DeliveryMarks = ReturnType<typeof createDeliveryMarks>;
