import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Dispatcher } from '../commands/index.js';
import type { Database } from '../db/index.js';
import type { AgentBundleProvider, RegisterContext } from '../fleet/index.js';
import type { Logger } from '../log/index.js';
import type { CorePluginHost } from '../plugins/index.js';
import type { PolicyService } from '../policy/index.js';
import type { InstallWorkflow } from '../updates/index.js';
import type { Access } from './access.js';
import type { AdminContext } from './admin-operations.js';
import { type IngressOptions, installAuth } from './auth/authenticate.js';
import { type CorsOptions, installCors } from './cors.js';
import { createFailureLimiter } from './auth/failure-limiter.js';
import { errorResponseSchema, installErrorHandlers } from './errors.js';
import { installIngressRedirects } from './ingress-path.js';
import { quietRequestLogs } from './quiet-logs.js';
import { accountRoutes } from './routes/accounts.js';
import { agentInstallRoutes } from './routes/agent-install.js';
import { agentRoutes } from './routes/agents.js';
import { authRoutes } from './routes/auth.js';
import { clientErrorRoutes } from './routes/client-errors.js';
import { commandHistoryRoutes } from './routes/command-history.js';
import { commandOutputRoutes } from './routes/command-output.js';
import { commandRoutes } from './routes/commands.js';
import { eventRoutes } from './routes/events.js';
import { healthRoutes } from './routes/health.js';
import { maintenanceWindowRoutes } from './routes/maintenance-windows.js';
import { defaultPanelDir, panelRoutes } from './routes/panel.js';
import { policyRoutes } from './routes/policies.js';
import { type LiveOptions, liveRoutes } from './routes/live.js';
import { MAX_CLIENT_MESSAGE_BYTES } from './live/messages.js';
import { registerRoutes } from './routes/register.js';
import { registrationTokenRoutes } from './routes/registration-tokens.js';
import { scheduleRoutes } from './routes/schedules.js';
import { pluginSettingsRoutes } from './routes/plugin-settings.js';
import { pluginRoutes } from './routes/plugins.js';
import { settingsRoutes } from './routes/settings.js';
import { statsRoutes } from './routes/stats.js';
import { updateRoutes } from './routes/updates.js';
import { containerRoutes } from './routes/containers.js';

export interface AuthOptions {
  sessionHours: number;
  maxFailures: number;
  failureWindowMinutes: number;
  ingress: IngressOptions;
}

export interface ApiContext {
  db: Database;
  logger: Logger;
  version: string;
  fleet: RegisterContext;
  /** Defaults: 7-day sessions, 10 failures per 15 minutes, no ingress. */
  auth?: AuthOptions;
  /** The built panel (panel/dist); found next to the source by default, null to serve none. */
  panelDir?: string | null;
  /** The parts the resource routes act through; without them only health, auth and registration are served. */
  operations?: {
    dispatcher: Dispatcher;
    workflow: InstallWorkflow;
    manage: AdminContext;
    policy: PolicyService;
  };
  /** install.sh, the agent bundle and agent updates (served when given). */
  agentInstall?: { bundles: AgentBundleProvider; publicUrl: string | null };
  /** The live event stream (GET /api/v1/live); without it the route is not served. */
  live?: LiveOptions;
  /** Pages on other origins that may call the API with a bearer token; none by default. */
  cors?: CorsOptions;
  /** The core's integration and notifier plugins: GET /api/v1/plugins and their own routes. */
  plugins?: CorePluginHost;
}

const DEFAULT_AUTH: AuthOptions = {
  sessionHours: 168,
  maxFailures: 10,
  failureWindowMinutes: 15,
  ingress: { enabled: false, trustedProxy: '172.30.32.2', role: 'viewer' },
};

/** Every route with the access it declared; the route-enumeration test reads this. */
export interface RouteAccess {
  method: string;
  url: string;
  access: Access | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    routeAccess: RouteAccess[];
  }
}

/** Builds the HTTP app; the caller decides where it listens. */
export async function buildApiServer(ctx: ApiContext): Promise<FastifyInstance> {
  const auth = ctx.auth ?? DEFAULT_AUTH;
  const app = Fastify({
    loggerInstance: ctx.logger.child({ component: 'http' }) as FastifyBaseLogger,
    logController: quietRequestLogs(),
    // One socket per request is cheap on loopback; long keep-alives would delay shutdown.
    keepAliveTimeout: 5000,
    forceCloseConnections: 'idle',
    ajv: { customOptions: { removeAdditional: false, allErrors: false } },
  });
  const routes: RouteAccess[] = [];
  app.decorate('routeAccess', routes);
  app.addHook('onRoute', (route) => {
    // The API description is as public as the source code; its routes come from a plugin that sets no config.
    if (route.url.startsWith('/api/docs')) route.config = { ...route.config, access: 'public' };
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) routes.push({ method, url: route.url, access: route.config?.access });
  });
  app.addSchema(errorResponseSchema);
  installErrorHandlers(app);
  // Before auth: a refused request from an allowed origin must still be readable by its page.
  installCors(app, ctx.cors ?? { origins: [], publicUrl: null });
  installAuth(app, {
    db: ctx.db,
    events: ctx.fleet.events,
    ingress: auth.ingress,
    limiter: createFailureLimiter({
      maxFailures: auth.maxFailures,
      windowMs: auth.failureWindowMinutes * 60_000,
    }),
  });
  installIngressRedirects(app, auth.ingress);
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'RedFlag API',
        version: ctx.version,
        description:
          'Self-hosted update management. Errors: `{ error: { code, message, details? } }`. ' +
          'Authenticate with the session cookie from /api/v1/auth/login (plus X-CSRF-Token on changes) ' +
          'or `Authorization: Bearer <API token>`.',
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  if (ctx.live) await app.register(websocket, { options: { maxPayload: MAX_CLIENT_MESSAGE_BYTES } });
  await app.register(healthRoutes, { db: ctx.db });
  await app.register(registerRoutes, { fleet: ctx.fleet });
  await app.register(authRoutes, { db: ctx.db, events: ctx.fleet.events, sessionHours: auth.sessionHours });
  await app.register(accountRoutes, { db: ctx.db, events: ctx.fleet.events });
  await app.register(panelRoutes, { dir: ctx.panelDir === undefined ? defaultPanelDir() : ctx.panelDir });
  await app.register(clientErrorRoutes, { db: ctx.db, events: ctx.fleet.events, logger: ctx.logger });
  if (ctx.agentInstall)
    await app.register(agentInstallRoutes, {
      db: ctx.db,
      keys: ctx.fleet.keys,
      ...ctx.agentInstall,
      dispatcher: ctx.operations?.dispatcher,
    });
  if (ctx.operations) {
    const ops = ctx.operations;
    await app.register(agentRoutes, { db: ctx.db, manage: ops.manage, policy: ops.policy });
    await app.register(commandRoutes, {
      db: ctx.db,
      dispatcher: ops.dispatcher,
      keys: ctx.fleet.keys,
      bundles: ctx.agentInstall?.bundles,
    });
    await app.register(commandHistoryRoutes, { db: ctx.db, dispatcher: ops.dispatcher });
    await app.register(registrationTokenRoutes, { tokens: ops.manage });
    await app.register(policyRoutes, { db: ctx.db, policy: ops.policy });
    await app.register(maintenanceWindowRoutes, { db: ctx.db, policy: ops.policy });
    await app.register(scheduleRoutes, { db: ctx.db, policy: ops.policy });
    await app.register(settingsRoutes, { db: ctx.db, events: ctx.fleet.events });
    await app.register(pluginSettingsRoutes, {
      db: ctx.db,
      dispatcher: ops.dispatcher,
      events: ctx.fleet.events,
    });
    await app.register(commandOutputRoutes, { db: ctx.db, dispatcher: ops.dispatcher });
    await app.register(eventRoutes, { db: ctx.db });
    await app.register(updateRoutes, { db: ctx.db, workflow: ops.workflow, events: ctx.fleet.events });
    await app.register(statsRoutes, { db: ctx.db });
    await app.register(containerRoutes, { db: ctx.db });
  }
  if (ctx.plugins) await app.register(pluginRoutes, { plugins: ctx.plugins });
  if (ctx.live) await app.register(liveRoutes, { live: ctx.live, db: ctx.db, events: ctx.fleet.events });
  return app;
}
