import type { FastifyInstance } from 'fastify';
import type { Database } from '../../db/index.js';
import '../access.js';

const healthSchema = {
  type: 'object',
  required: ['status'],
  properties: {
    status: { type: 'string', enum: ['ok', 'unavailable'] },
    reason: { type: 'string' },
    database: { type: 'string' },
    pendingMigrations: { type: 'array', items: { type: 'string' } },
  },
} as const;

const READY_DEADLINE_MS = 1000;

function withinDeadline<T>(ms: number, work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  const running = work();
  running.catch(() => {}); // it may fail after the deadline answered
  return Promise.race([running, deadline]).finally(() => clearTimeout(timer));
}

/**
 * /healthz answers while the process runs (liveness); /readyz only when the database answers
 * and no migration is pending (readiness), so a load balancer or the HA watchdog can tell them apart.
 */
export async function healthRoutes(app: FastifyInstance, opts: { db: Database }) {
  app.get(
    '/healthz',
    {
      config: { access: 'public' },
      schema: { tags: ['health'], summary: 'The process is alive', response: { 200: healthSchema } },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      config: { access: 'public' },
      schema: {
        tags: ['health'],
        summary: 'The database is reachable and migrations are current',
        response: { 200: healthSchema, 503: healthSchema },
      },
    },
    async (_request, reply) => {
      try {
        // An answer within a second either way (issue 25 §4): a probe must not hang on a
        // database that does not answer, nor wait for the pool's own time limit.
        const { pending } = await withinDeadline(READY_DEADLINE_MS, async () => {
          await opts.db.ping();
          return opts.db.migrationStatus();
        });
        if (pending.length) {
          return reply.status(503).send({
            status: 'unavailable',
            reason: `${pending.length} migration(s) pending`,
            database: opts.db.kind,
            pendingMigrations: pending,
          });
        }
        return { status: 'ok' as const, database: opts.db.kind };
      } catch (err) {
        return reply.status(503).send({
          status: 'unavailable',
          reason: `database unreachable: ${(err as Error).message}`,
          database: opts.db.kind,
        });
      }
    },
  );
}
