import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Database } from '../db/index.js';
import type { RegisterContext } from '../fleet/index.js';
import type { Logger } from '../log/index.js';
import { errorResponseSchema, installErrorHandlers } from './errors.js';
import { quietRequestLogs } from './quiet-logs.js';
import { healthRoutes } from './routes/health.js';
import { registerRoutes } from './routes/register.js';

export interface ApiContext {
  db: Database;
  logger: Logger;
  version: string;
  fleet: RegisterContext;
}

/** Builds the HTTP app; the caller decides where it listens. */
export async function buildApiServer(ctx: ApiContext): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ctx.logger.child({ component: 'http' }) as FastifyBaseLogger,
    logController: quietRequestLogs(),
    // One socket per request is cheap on loopback; long keep-alives would delay shutdown.
    keepAliveTimeout: 5000,
    forceCloseConnections: 'idle',
    ajv: { customOptions: { removeAdditional: false, allErrors: false } },
  });
  app.addSchema(errorResponseSchema);
  installErrorHandlers(app);
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'RedFlag API',
        version: ctx.version,
        description: 'Self-hosted update management. Errors: `{ error: { code, message, details? } }`.',
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  await app.register(healthRoutes, { db: ctx.db });
  await app.register(registerRoutes, { fleet: ctx.fleet });
  return app;
}
