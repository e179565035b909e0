import { createHash } from 'node:crypto';
import pg from 'pg';

/** The first key of every RedFlag advisory lock ("RF" in ASCII), so other apps' locks never meet ours. */
const LOCK_CLASS = 0x5246;

export type LockedRun<T> = { ran: true; value: T } | { ran: false };

export interface AdvisoryLocks {
  /**
   * Runs `work` while holding the PostgreSQL advisory lock `key` (issue 22 §3, DESIGN.md §8);
   * `{ ran: false }` at once when another core holds it. On PGlite, which one process opens at
   * a time, it always runs.
   */
  withLock<T>(key: string, work: () => Promise<T>): Promise<LockedRun<T>>;
  close(): Promise<void>;
}

/**
 * Session-level locks held on a connection of their own, outside the pool: a long job never
 * keeps a pooled connection busy (a pool of one would deadlock on the job's own queries). Keys
 * are scoped to the schema, so RedFlags sharing one database in separate schemas do not meet.
 */
export function createAdvisoryLocks(url: string | null, schema: string, queryTimeoutMs = 0): AdvisoryLocks {
  if (!url)
    return {
      withLock: async (_key, work) => ({ ran: true, value: await work() }),
      close: async () => {},
    };
  let client: Promise<pg.Client> | null = null;
  const session = () => {
    client ??= (async () => {
      // Bounded like the pool's queries (issue 25 §4): a silent server must not hold up the job runner.
      const c = new pg.Client({
        connectionString: url,
        ...(queryTimeoutMs > 0
          ? {
              connectionTimeoutMillis: queryTimeoutMs,
              statement_timeout: queryTimeoutMs,
              query_timeout: queryTimeoutMs + 1000,
            }
          : {}),
      });
      // A dropped connection releases its locks; the next run opens a new one.
      c.on('error', () => {
        client = null;
      });
      await c.connect();
      return c;
    })().catch((err: unknown) => {
      client = null;
      throw err;
    });
    return client;
  };
  const keyOf = (key: string) => createHash('sha256').update(`${schema}:${key}`).digest().readInt32BE(0);

  return {
    async withLock(key, work) {
      const c = await session();
      const k = keyOf(key);
      const { rows } = await c
        .query<{ locked: boolean }>('select pg_try_advisory_lock($1, $2) as locked', [LOCK_CLASS, k])
        .catch((err: unknown) => {
          // A session that failed a query (it ran out of time) may be stuck: the next run opens another.
          client = null;
          void c.end().catch(() => {});
          throw err;
        });
      if (!rows[0]?.locked) return { ran: false };
      try {
        return { ran: true, value: await work() };
      } finally {
        await c.query('select pg_advisory_unlock($1, $2)', [LOCK_CLASS, k]).catch(() => {});
      }
    },
    async close() {
      const c = await client?.catch(() => null);
      client = null;
      await c?.end().catch(() => {});
    },
  };
}
