import type { FastifyInstance } from 'fastify';
import { startAdminSocket } from './api/index.js';
import type { Service } from './lifecycle/index.js';
import { startLocalAgent } from './local-agent.js';
import type { Logger } from './log/index.js';

/**
 * The core's edges as services (issue 22 §3), started last and stopped first: the HTTP server
 * (API, live stream, panel), the admin socket, and this host's own agent.
 */

export function httpService(app: FastifyInstance, listen: { host: string; port: number }): Service {
  return {
    name: 'http',
    start: async () => {
      await app.listen(listen);
    },
    stop: () => app.close(),
  };
}

export function adminSocketService(options: Parameters<typeof startAdminSocket>[0]): Service {
  let admin: Awaited<ReturnType<typeof startAdminSocket>> | null = null;
  return {
    name: 'admin socket',
    start: async () => {
      admin = await startAdminSocket(options);
    },
    stop: async () => {
      await admin?.close();
    },
  };
}

/**
 * Started in the background: the core is ready to serve before this host's agent has enrolled
 * (spawning it takes seconds on a slow box), and a failure is recorded, not fatal. Stopped
 * first, so its disconnect is clean and it does not reconnect to a closing core.
 */
export function localAgentService(options: Parameters<typeof startLocalAgent>[0], logger: Logger): Service {
  let running: Promise<{ stop(): Promise<void> }> | null = null;
  return {
    name: 'local agent',
    start: async () => {
      running = startLocalAgent(options).catch((err: unknown) => {
        logger.error({ err, component: 'core' }, 'the local agent could not start');
        return { stop: async () => {} };
      });
    },
    stop: async () => {
      await (await running)?.stop();
    },
  };
}
