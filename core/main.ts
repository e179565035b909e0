import { mkdirSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { type RunningBroker, startBroker } from '../broker/index.js';
import {
  type AdminContext,
  adminSocketPath,
  buildApiServer,
  issueSetupToken,
  removeStaleSocket,
  SETUP_TOKEN_HOURS,
  startAdminSocket,
} from './api/index.js';
import { createDispatcher, type Dispatcher } from './commands/index.js';
import { brokerUrlFor, lanBaseUrl, type RedflagConfig, serverUrl } from './config/index.js';
import { createBatcher, type Database, openDatabase, pgliteDirFor } from './db/index.js';
import {
  createEventRecorder,
  createLiveBus,
  createPresenceEvents,
  type EventRecorder,
  type LiveBus,
} from './events/index.js';
import {
  AgentBundleProvider,
  AgentKeyCache,
  createToken,
  type IdentityContext,
  recordBrokerRefusal,
  recordSessionTakeovers,
  ServerKeyring,
} from './fleet/index.js';
import { addCoreJobs } from './core-jobs.js';
import { createAgentHandlers, createIntake } from './intake/index.js';
import { createJobRunner, type JobRunner } from './jobs/index.js';
import { startServices } from './lifecycle/index.js';
import { type CorePluginHost, createCorePluginHost } from './plugins/index.js';
import { startLocalAgent } from './local-agent.js';
import type { Logger } from './log/index.js';
import { readyLine, setupLinkLine } from './start-lines.js';
import { createPolicyService, type PolicyService } from './policy/index.js';
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
      onLog: (level, message) => log[level]({ component: 'db' }, message),
    });
    opened.push(() => db.close());
    log.info({ database: db.location }, 'database opened');

    const applied = await db.migrate();
    // Pretty mode shows the count, not every name (issue 21 §2); the JSON record keeps the names.
    if (applied.length) log.info({ applied, terse: true }, `${applied.length} database migrations applied`);
    // Nobody is connected before the broker starts, whatever the previous run left recorded.
    await db.agents.markAllOffline();

    const keys = ServerKeyring.open(config.dataDir);
    const agentKeys = new AgentKeyCache(db);
    await agentKeys.load();
    // One bus per core, handed to every part that has something to tell the live stream.
    const live = createLiveBus({
      bufferSize: config.live.bufferSize,
      onError: (err) => log.error({ err }, 'a live stream listener failed'),
    });
    const presence = createPresenceEvents(live);
    const events = createEventRecorder({
      db,
      logger,
      perMinute: config.security.refusalEventsPerMinute,
      bus: live,
    });
    opened.push(() => events.close());

    // Agents reconnecting together (after a restart) go online in one statement per batch.
    type OnlineEntry = { id: string; metadata: Record<string, unknown> };
    const goOnline = createBatcher(
      async (entries: OnlineEntry[]) => {
        const changed = await db.agents.setManyOnline(entries);
        return new Map(entries.map((e) => [e, changed.has(e.id)]));
      },
      // Presence must show within 2 s; 100 ms of batching turns a reconnect storm into a few statements.
      { missing: false, delayMs: 100 },
    );

    // Likewise for going offline: a core or network restart drops them all at once.
    const goOffline = createBatcher(
      async (ids: string[]) => {
        await db.agents.setManyOffline(ids);
        return new Map<string, true>();
      },
      { missing: true, delayMs: 100 },
    );
    const markOffline = async (agentId: string) => {
      await goOffline(agentId);
    };

    // The broker and the parts that publish through it refer to each other; `broker` is set
    // before any agent can connect, so no callback runs before it exists.
    // eslint-disable-next-line prefer-const -- assigned once below, after the parts that use it
    let broker!: RunningBroker;
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
      onFinished: (command) => workflow.onCommandFinished(command),
      bus: live,
      outputCaps: { maxLines: config.commands.outputMaxLines, maxChars: config.commands.outputMaxKiB * 1024 },
    });
    const workflow = createInstallWorkflow({
      db,
      events,
      commands: dispatcher,
      mayInstallNow: (agentId) => policy.mayInstallNow(agentId),
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
        markOffline,
        bus: live,
        presence,
        afterIngest: (agentId, plugin) =>
          policy
            .afterIngest(agentId, plugin)
            .catch((err: unknown) => log.error({ err, agentId }, 'auto-approve failed')),
      }),
    });
    opened.push(() => dispatcher.drainOutput());
    opened.push(() => intake.drain());

    const jobs = createJobRunner({ db, events, logger });
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
      jobs,
      logger,
    });
    await plugins.load();

    broker = await startBroker({
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
      events: {
        onRefusal: (refusal) => void recordBrokerRefusal(events, refusal),
        onSessionTakeovers(agentId, episode) {
          intake.enqueue(agentId, () => recordSessionTakeovers(identity, agentId, episode));
        },
        onAgentConnected(agentId, info) {
          intake.enqueue(agentId, async () => {
            const online = await goOnline({
              id: agentId,
              metadata: {
                connection: {
                  address: info.address,
                  protocolVersion: info.protocolVersion,
                  since: new Date(),
                },
              },
            });
            // Revoked between its authentication and now (here or on another core): the revocation wins.
            if (!online) {
              agentKeys.invalidate(agentId);
              broker.disconnect(agentId);
            } else presence.online(agentId);
          });
        },
        onAgentListening(agentId) {
          intake.enqueue(agentId, async () => {
            await policy.pushConfig(agentId);
            await dispatcher.deliverPending(agentId);
          });
        },
        onAgentDisconnected(agentId) {
          policy.agentDisconnected(agentId);
          intake.enqueue(agentId, async () => {
            await markOffline(agentId);
            presence.offline(agentId);
          });
        },
        onAgentMessage: (agentId, type, payload) => intake.accept(agentId, type, payload),
        onPresence: (agentId, payload) => intake.accept(agentId, 'presence', payload),
      },
    });
    opened.push(() => broker.close());

    addCoreJobs(jobs, { db, dispatcher, workflow, log });
    // Services in dependency order, stopped in reverse (docs/development.md "Services").
    const services = await startServices([jobs, plugins], (service, err) =>
      log.error({ err, service }, 'stopping a service failed'),
    );
    opened.push(() => services.stop());
    await dispatcher.expireOverdue();

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
    const app: FastifyInstance = await buildApiServer({
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
    await app.listen({ host: config.http.host, port: config.http.port });
    opened.push(() => app.close());

    const admin = await startAdminSocket({
      db,
      logger,
      version: CORE_VERSION,
      dataDir: config.dataDir,
      manage,
    });
    opened.push(() => admin.close());

    if (setupToken) {
      const setup = setupLinkLine(lanBaseUrl(config), setupToken, SETUP_TOKEN_HOURS);
      log.warn(setup.fields, setup.message);
    }

    const host = config.http.host === '0.0.0.0' || config.http.host === '::' ? '127.0.0.1' : config.http.host;
    const httpUrl = `http://${host.includes(':') ? `[${host}]` : host}:${config.http.port}`;
    if (config.localAgent.enabled) {
      // Started in the background: the core is ready to serve before this host's agent has
      // enrolled (spawning it takes seconds on a slow box), and a failure is recorded, not fatal.
      const localAgent = startLocalAgent({
        dataDir: config.dataDir,
        httpUrl,
        events,
        logger,
        createToken: async () =>
          (await createToken(manage, { label: 'local agent', seats: 1, expires: '1h', createdBy: 'core' }))
            .token,
      }).catch((err: unknown) => {
        log.error({ err }, 'the local agent could not start');
        return { stop: async () => {} };
      });
      // Stopped first, so its disconnect is clean and it does not reconnect to a closing core.
      opened.push(async () => (await localAgent).stop());
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
