import { isDatabaseUnavailable } from '../db/index.js';
import type { Logger } from '../log/index.js';

/**
 * Tries again, in the agent's own lane, a message the core accepted but could not store because
 * the database did not answer (issue 25 §5): once the database is back it is stored and
 * answered without waiting for the agent to send it again (by default two minutes later). The
 * lane holds it, so later messages of that agent stay behind it in order, and memory stays
 * within the intake's queue limits (what is held still counts there). Only a stop of the core
 * gives up; the agent's spool still has the message and sends it again.
 */
export function createStoreRetry(logger: Logger, retryMaxMs = 5000) {
  let stopping = false;
  const sleepers = new Set<() => void>();

  return {
    /** Runs `store` until it works, or fails for another reason than an absent database (thrown). */
    async run<T>(store: () => Promise<T>, fields: Record<string, unknown>): Promise<T> {
      for (let failures = 0; ; failures++) {
        try {
          const value = await store();
          if (failures > 0)
            logger.info({ ...fields, failures }, 'stored an agent message once the database answered');
          return value;
        } catch (err) {
          if (stopping || !isDatabaseUnavailable(err)) throw err;
          const retryMs = Math.min(retryMaxMs, 250 * 2 ** failures);
          const level = failures === 0 ? 'error' : 'warn';
          logger[level](
            { ...fields, err, retryMs },
            'the database does not answer; trying this message again',
          );
          await new Promise<void>((resolve) => {
            const wake = () => {
              clearTimeout(timer);
              sleepers.delete(wake);
              resolve();
            };
            const timer = setTimeout(wake, retryMs);
            sleepers.add(wake);
          });
        }
      }
    },
    /** Shutdown: no more tries; what waits fails at once (the agent sends it again). */
    stop() {
      stopping = true;
      for (const wake of [...sleepers]) wake();
    },
  };
}
