import type { Logger } from '../log/index.js';

export interface SentMarksContext {
  /** Writes many marks in one statement. */
  write(marks: Array<{ id: string; at: Date }>): Promise<void>;
  logger: Logger;
  /** How long a mark waits for the agent's ack, which then records it instead. */
  delayMs: number;
}

/**
 * When each command went out, written a little later and many at once. An agent that is online
 * acknowledges within milliseconds, and its ack records the time the command was sent in the
 * same statement: a command costs two writes instead of three, and the write no longer sits in
 * front of the next command's insert (PGlite runs one statement at a time). Marks still waiting
 * after `delayMs` (an agent that is slow or silent) go in one statement for all of them.
 */
export function createSentMarks(ctx: SentMarksContext) {
  const log = ctx.logger.child({ component: 'commands' });
  let waiting = new Map<string, { agentId: string; at: Date }>();
  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<void> = Promise.resolve();

  function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = null;
    if (waiting.size === 0) return writing;
    const marks = [...waiting].map(([id, { at }]) => ({ id, at }));
    waiting = new Map();
    // One write at a time, so a command's mark is never overtaken by an older one's.
    writing = writing
      .then(() => ctx.write(marks))
      .catch((err: unknown) =>
        log.error({ err, commands: marks.length }, 'could not record when commands were sent'),
      );
    return writing;
  }

  return {
    add(id: string, agentId: string, at: Date) {
      if (!waiting.has(id)) waiting.set(id, { agentId, at });
      timer ??= setTimeout(() => void flush(), ctx.delayMs);
    },

    /**
     * The time the command went out, if no write has taken it yet: the caller records it. Only
     * for the command's own agent (`agentId`), or anyone when not given (a person's cancel).
     */
    claim(id: string, agentId?: string): Date | undefined {
      const mark = waiting.get(id);
      if (!mark || (agentId !== undefined && mark.agentId !== agentId)) return undefined;
      waiting.delete(id);
      return mark.at;
    },

    /**
     * `claim`, or else waits until any write that took the mark is done, so a caller that reads
     * `sent_at` next (a cancel deciding whether the agent must be told) sees it.
     */
    async claimOrSettle(id: string): Promise<Date | undefined> {
      const at = this.claim(id);
      if (!at) await writing;
      return at;
    },

    /** Everything waiting is written (shutdown, and tests that read the table). */
    flush,
  };
}

export type SentMarks = ReturnType<typeof createSentMarks>;
