import { chmod, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Database } from '../db/index.js';
import type { Logger } from '../log/index.js';
import { adminRequest } from './admin-client.js';
import { type AdminContext, AdminOperationError, adminOperations } from './admin-operations.js';
import { installErrorHandlers } from './errors.js';
import { quietRequestLogs } from './quiet-logs.js';

export const ADMIN_SOCKET_NAME = 'redflag.sock';

export function adminSocketPath(dataDir: string): string {
  return join(dataDir, ADMIN_SOCKET_NAME);
}

export interface AdminSocketContext {
  db: Database;
  logger: Logger;
  version: string;
  dataDir: string;
  manage: AdminContext;
}

/**
 * Management commands (`redflag migrate`, and tokens, users and agents later) reach a running
 * core here, because PGlite lets only one process open the database. Whoever can open this
 * 0600 socket in the 0700 data directory is the admin: authorisation is the file permission.
 */
export async function startAdminSocket(ctx: AdminSocketContext): Promise<FastifyInstance> {
  const path = adminSocketPath(ctx.dataDir);
  const app = Fastify({
    loggerInstance: ctx.logger.child({ component: 'admin-socket' }) as FastifyBaseLogger,
    logController: quietRequestLogs(),
  });
  installErrorHandlers(app);

  app.get('/v1/status', async () => ({
    version: ctx.version,
    pid: process.pid,
    database: ctx.db.kind,
    migrations: await ctx.db.migrationStatus(),
    memory: process.memoryUsage(),
  }));

  // For memory measurements (benchmarks): a full collection first, when the core was started
  // with --expose-gc, so the numbers are live data and not garbage waiting to be collected.
  app.post('/v1/memory', async () => {
    (globalThis as { gc?: () => void }).gc?.();
    return {
      collected: typeof (globalThis as { gc?: unknown }).gc === 'function',
      memory: process.memoryUsage(),
    };
  });

  app.post('/v1/migrate', async () => {
    const applied = await ctx.db.migrate();
    return { applied, status: await ctx.db.migrationStatus() };
  });

  for (const op of Object.values(adminOperations)) {
    app.route({
      method: op.method,
      url: op.path,
      handler: async (request, reply) => {
        try {
          return await op.run(ctx.manage, {
            params: (request.params ?? {}) as Record<string, string>,
            body: (request.body ?? {}) as Record<string, unknown>,
            by: `cli:${String(request.headers['x-redflag-user'] ?? 'unknown')}`,
          });
        } catch (err) {
          if (err instanceof AdminOperationError)
            return reply.status(err.status).send({ error: { code: 'refused', message: err.message } });
          throw err;
        }
      },
    });
  }

  await removeStaleSocket(path);
  await app.listen({ path });
  await chmod(path, 0o600);
  return app;
}

/** Thrown when a live core already serves this data directory. */
export class CoreAlreadyRunningError extends Error {
  override name = 'CoreAlreadyRunningError';
}

/**
 * A socket file left by a core that crashed is removed; one that still answers means another
 * core owns the data directory, and two processes on one PGlite database would corrupt it.
 */
export async function removeStaleSocket(path: string): Promise<void> {
  try {
    const status = await adminRequest<{ pid: number }>(path, 'GET', '/v1/status');
    throw new CoreAlreadyRunningError(
      `another RedFlag core (pid ${status.pid}) is already running with this data directory (${path})`,
    );
  } catch (err) {
    if (err instanceof CoreAlreadyRunningError) throw err;
    await unlink(path).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
  }
}
