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
        await opts.db.ping();
        const { pending } = await opts.db.migrationStatus();
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
