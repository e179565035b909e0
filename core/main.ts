import { mkdirSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { createBroker, type RunningBroker } from '../broker/index.js';
import {
  type AdminContext,
  adminSocketPath,
  buildApiServer,
  issueSetupToken,
  removeStaleSocket,
  SETUP_TOKEN_HOURS,
} from './api/index.js';
import { createDispatcher, type Dispatcher } from './commands/index.js';
import { brokerUrlFor, lanBaseUrl, type RedflagConfig, serverUrl } from './config/index.js';
import { type Database, openDatabase, pgliteDirFor } from './db/index.js';
import { createEventRecorder, createLiveBus, type EventRecorder, type LiveBus } from './events/index.js';
import {
  AgentBundleProvider,
  AgentKeyCache,
  createToken,
  type IdentityContext,
  ServerKeyring,
} from './fleet/index.js';
import { brokerService, createPresence } from './agent-connections.js';
import { addCoreJobs } from './core-jobs.js';
import { createAgentHandlers, createIntake } from './intake/index.js';
import { createJobRunner, type JobRunner } from './jobs/index.js';
import { startServices } from './lifecycle/index.js';
import { type CorePluginHost, createCorePluginHost } from './plugins/index.js';
import { adminSocketService, httpService, localAgentService } from './edge-services.js';
import type { Logger } from './log/index.js';
import { readyLine, setupLinkLine } from './start-lines.js';
import { createPolicyService, installWindowCheck, type PolicyService } from './policy/index.js';
import { createInstallWorkflow, type InstallWorkflow } from './updates/index.js';
import { CORE_VERSION } from './version.js';

export interface CoreHandle {
  db: Database;
  keys: ServerKeyring;
  events: EventRecorder;
  /** The live event bus (GET /api/v1/live streams it). */
  live: LiveBus;
  dispatcher: Dispatcher;
  workflow: InstallWorkflow;
  policy: PolicyService;
  broker: RunningBroker;
  /** What management operations run with (the admin socket's context). */
  manage: AdminContext;
  /** Periodic work, once per interval across cores sharing the database (issue 22 §3). */
  jobs: JobRunner;
  /** The integration and notifier plugins config.yaml enables (issue 22 §4). */
  plugins: CorePluginHost;
  /** The services started, in start order (docs/development.md "Services in start order"). */
  services: readonly string[];
  /** The HTTP app (tests inject requests from chosen addresses). */
  http: FastifyInstance;
  /** The first-run setup token when no user exists yet, else null (also printed in the log). */
  setupToken: string | null;
  /** Base URL of the HTTP server, e.g. http://127.0.0.1:8080 */
  httpUrl: string;
  /** Stops accepting, lets in-flight requests finish (up to shutdown.timeoutMs), closes the database. */
  stop(reason: string): Promise<{ clean: boolean }>;
}

/** The composition root: builds every part of the core from one validated config. */
export async function startCore(config: RedflagConfig, logger: Logger): Promise<CoreHandle> {
  const log = logger.child({ component: 'core' });
  ensureDataDir(config.dataDir);
  const opened: Array<() => Promise<unknown>> = [];
  const closeAll = async () => {
    for (const close of opened.reverse()) await close().catch((err) => log.error({ err }, 'close failed'));
    opened.length = 0;
  };

  try {
    // Claim the data directory before PGlite opens it: two processes would corrupt it.
    await removeStaleSocket(adminSocketPath(config.dataDir));

    const db = await openDatabase({
      url: config.database.url,
      pgliteDir: pgliteDirFor(config.dataDir),
      schema: config.database.schema,
      poolMax: config.database.poolMax,
      connectTimeoutMs: config.database.connectTimeoutMs,
      queryTimeoutMs: config.database.queryTimeoutMs,
      pglite: config.database.pglite,
      onLog: (level, message) => log[level]({ component: 'db' }, message),
    });
    opened.push(() => db.close());
    log.info({ database: db.location }, 'database opened');

    const applied = await db.migrate();
    // Pretty mode shows the count, not every name (issue 21 §2); the JSON record keeps the names.
    if (applied.length) log.info({ applied, terse: true }, `${applied.length} database migrations applied`);

    const keys = ServerKeyring.open(config.dataDir);
    const agentKeys = new AgentKeyCache(db);
    await agentKeys.load();
    // One bus per core, handed to every part that has something to tell the others and the live stream.
    const live = createLiveBus({
      bufferSize: config.live.bufferSize,
      onError: (err) => log.error({ err }, 'a bus listener failed'),
    });
    const events = createEventRecorder({
      db,
      logger,
      perMinute: config.security.refusalEventsPerMinute,
      bus: live,
    });
    opened.push(() => events.close());
    const presence = createPresence(db, live);

    // Made first, listening last: the parts that publish to agents are built with it.
    const broker = await createBroker({
      host: config.broker.host,
      port: config.broker.port,
      tls:
        config.broker.tls.port && config.broker.tls.cert && config.broker.tls.key
          ? { port: config.broker.tls.port, cert: config.broker.tls.cert, key: config.broker.tls.key }
          : null,
      websocket: config.broker.websocket.port ? { port: config.broker.websocket.port } : null,
      topicPrefix: config.broker.topicPrefix,
      maxClockSkewSec: config.broker.maxClockSkewSec,
      logger: logger.child({ component: 'broker' }),
      lookupAgent: (agentId) => agentKeys.lookup(agentId),
    });
    opened.push(() => broker.close());
    const dispatcher = createDispatcher({
      db,
      keys,
      events,
      logger,
      publish: (agentId, payload) => broker.publishToAgent(agentId, 'command', payload),
      isConnected: (agentId) => broker.isConnected(agentId),
      limits: {
        waitSeconds: config.commands.waitHours * 3600,
        timeoutSeconds: config.commands.timeoutSeconds,
      },
      bus: live,
      outputCaps: { maxLines: config.commands.outputMaxLines, maxChars: config.commands.outputMaxKiB * 1024 },
    });
    // Finished dry runs and installs reach the workflow, and stored scans the policy, on the bus.
    const workflow = createInstallWorkflow({
      db,
      events,
      commands: dispatcher,
      mayInstallNow: installWindowCheck(db),
      bus: live,
    });
    const policy = createPolicyService({
      db,
      events,
      approve: (refs) => workflow.approve(refs, null),
      sendConfig: (agentId, message) => broker.publishToAgent(agentId, 'config', JSON.stringify(message)),
      isConnected: (agentId) => broker.isConnected(agentId),
      bus: live,
    });
    // A copied identity is refused until an admin rebinds it (issue 21 §5).
    const identity: IdentityContext = {
      db,
      events,
      disconnect: (agentId) => {
        agentKeys.invalidate(agentId);
        broker.disconnect(agentId);
      },
    };
    const intake = createIntake({
      events,
      logger,
      refuses: (agentId) => agentKeys.inConflict(agentId),
      sendReceipt: (agentId, receipt) => broker.publishToAgent(agentId, 'receipt', JSON.stringify(receipt)),
      handlers: createAgentHandlers({
        db,
        events,
        identity,
        dispatcher,
        isConnected: (id) => broker.isConnected(id),
        markOffline: presence.writes.markOffline,
        bus: live,
        presence: presence.events,
      }),
    });

    const jobs = createJobRunner({ db, events, logger });
    addCoreJobs(jobs, { db, dispatcher, workflow, log });
    // Loaded (migrated, created) before the HTTP server is built: their routes are part of it.
    const plugins = createCorePluginHost({
      enabled: config.plugins.enabled,
      directory: config.plugins.directory,
      configs: config.plugins.config,
      secrets: config.plugins.secrets,
      db,
      bus: live,
      events,
      dispatcher,
      workflow,
      jobs,
      // Single-seat tokens for plugins that install agents (Proxmox LXC enrollment).
      registrationTokens: async ({ label, createdBy }) => {
        const created = await createToken(
          { db, keys, events, serverUrl: serverUrl(config) },
          { label, seats: 1, expires: '1h', createdBy },
        );
        return { token: created.token, install: created.install };
      },
      logger,
    });
    await plugins.load();

    // First start with no users: the one way in is a link printed below (issue 5); issued
    // before the API listens, so the link works from the first request.
    const setupToken = await issueSetupToken(db);
    const manage: AdminContext = {
      db,
      keys,
      events,
      dispatcher,
      serverUrl: serverUrl(config),
      keyRotationOverlapHours: config.security.keyRotationOverlapHours,
      disconnect: (agentId) => {
        agentKeys.invalidate(agentId);
        return broker.disconnect(agentId);
      },
    };
    const app = await buildApiServer({
      db,
      logger,
      version: CORE_VERSION,
      auth: config.auth,
      live: {
        bus: live,
        heartbeatSeconds: config.live.heartbeatSeconds,
        maxQueuedBytes: config.live.maxQueuedKiB * 1024,
        sessionCheckSeconds: config.live.sessionCheckSeconds,
        publicUrl: config.http.publicUrl,
      },
      cors: { origins: config.http.corsOrigins, publicUrl: config.http.publicUrl },
      plugins,
      operations: { dispatcher, workflow, manage, policy },
      agentInstall: {
        // Built (or loaded) on first use: a core that installs no agent never runs esbuild.
        bundles: AgentBundleProvider.start({
          dataDir: config.dataDir,
          configuredPath: config.agentBundle.path,
          version: CORE_VERSION,
          logger,
        }),
        publicUrl: config.http.publicUrl,
      },
      fleet: {
        db,
        keys,
        events,
        topicPrefix: config.broker.topicPrefix,
        brokerUrlFor: (requestHost) => brokerUrlFor(config, requestHost, broker.ports),
        // A new host connects right after enrolling: its key is known, no lookup needed.
        onRegistered: (agentId, publicKey) =>
          agentKeys.remember(agentId, { publicKey, active: true, identityConflict: false }),
      },
    });
    opened.push(() => app.close());

    const host = config.http.host === '0.0.0.0' || config.http.host === '::' ? '127.0.0.1' : config.http.host;
    const httpUrl = `http://${host.includes(':') ? `[${host}]` : host}:${config.http.port}`;

    // Services in dependency order, stopped in reverse (docs/development.md "Services").
    const services = await startServices(
      [
        live,
        events,
        presence,
        dispatcher,
        workflow,
        policy,
        intake,
        jobs,
        plugins,
        brokerService(broker, {
          events,
          identity,
          agentKeys,
          presence: presence.events,
          writes: presence.writes,
          intake,
          policy,
          dispatcher,
        }),
        httpService(app, { host: config.http.host, port: config.http.port }),
        adminSocketService({ db, logger, version: CORE_VERSION, dataDir: config.dataDir, manage }),
        ...(config.localAgent.enabled
          ? [
              localAgentService(
                {
                  dataDir: config.dataDir,
                  httpUrl,
                  events,
                  logger,
                  createToken: async () =>
                    (
                      await createToken(manage, {
                        label: 'local agent',
                        seats: 1,
                        expires: '1h',
                        createdBy: 'core',
                      })
                    ).token,
                },
                logger,
              ),
            ]
          : []),
      ],
      (service, err) => log.error({ err, service }, 'stopping a service failed'),
    );
    opened.push(() => services.stop());

    if (setupToken) {
      const setup = setupLinkLine(lanBaseUrl(config), setupToken, SETUP_TOKEN_HOURS);
      log.warn(setup.fields, setup.message);
    }

    await events.record({
      type: 'core',
      subtype: 'started',
      severity: 'info',
      component: 'core',
      message: `RedFlag core ${CORE_VERSION} started`,
      metadata: { version: CORE_VERSION, database: db.kind, pid: process.pid, migrationsApplied: applied },
    });
    const ready = readyLine({ baseUrl: lanBaseUrl(config), mqtt: broker.ports, version: CORE_VERSION });
    log.info({ ...ready.fields, url: httpUrl, dataDir: config.dataDir }, ready.message);

    return {
      db,
      keys,
      events,
      live,
      dispatcher,
      workflow,
      policy,
      broker,
      jobs,
      plugins,
      manage,
      services: services.started,
      http: app,
      httpUrl,
      setupToken,
      async stop(reason) {
        log.info({ reason }, 'stopping');
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), config.shutdown.timeoutMs);
        });
        const outcome = await Promise.race([closeAll().then(() => 'closed' as const), timedOut]);
        clearTimeout(timer);
        if (outcome === 'timeout') log.warn({ timeoutMs: config.shutdown.timeoutMs }, 'shutdown timed out');
        else log.info('stopped');
        return { clean: outcome === 'closed' };
      },
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

function ensureDataDir(dir: string) {
  // mode applies only to directories created here; an existing one is left as the user set it.
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}
