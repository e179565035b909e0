import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import type { DownType } from '../broker/protocol/index.js';
import { AgentSettings } from './agent-settings.js';
import type { AgentEvents, AgentHandle, StartAgentOptions } from './agent-types.js';
import { loadRegisteredConfig, lockAgentFiles } from './startup.js';
import { AgentConnection } from './connection/connection.js';
import { DEFAULT_BACKOFF } from './connection/backoff.js';
import { clockRefusal, CoreClock } from './connection/core-clock.js';
import { SpoolDelivery } from './delivery.js';
import { type AgentEvent, CommandExecutor } from './executor/executor.js';
import { createHandlers, runnableTypes } from './executor/handlers/index.js';
import { hostInfo } from './identity/host-info.js';
import { helloBuilder } from './hello.js';
import { pluginEventReporter } from './plugin-events.js';
import { StatusReporter } from './status-reporter.js';
import { createAgentLogger, type Logger } from './log.js';
import { collectMetrics } from './metrics.js';
import { BUILTIN_AGENT_PLUGINS } from './plugins.js';
import { stopLeftoverProcesses, trackedRunner } from './plugins/leftover-processes.js';
import { PluginRuntime } from './plugins/plugin-runtime.js';
import { DownMessageValidator } from './protocol/down-messages.js';
import { envelope } from './protocol/envelope.js';
import { runScan } from './scanner.js';
import { ScanScheduler } from './scheduler.js';
import { loadCoreSettings } from './state/core-settings.js';
import { CommandJournal } from './state/journal.js';
import { StorageHealth } from './state/storage-health.js';
import { storageEventReporter } from './storage-events.js';
import { readScanCache, type ScanTrigger } from './state/scan-cache.js';
import { runningBundle } from './update/running-bundle.js';
import { settleUpdateTrial, type UpdateTrial } from './update/trial.js';
import { AGENT_VERSION } from './version.js';

export { AgentStartError } from './agent-types.js';
export type { AgentEvents, AgentHandle, StartAgentOptions } from './agent-types.js';

/**
 * `redflag-agent run` as a function (the composition root): takes the locks, loads (and
 * migrates) the config, opens the spool and journal, starts the plugins, the connection, the
 * executor, the scheduler and the metrics timer. Tests start it in-process with their own plugins.
 */
export async function startAgent(opts: StartAgentOptions): Promise<AgentHandle> {
  const logger = opts.logger ?? createAgentLogger();
  const log = logger.child({ component: 'agent' });
  const { configPath, stateDir } = opts;
  const releaseLocks = await lockAgentFiles(configPath, stateDir);

  try {
    return await assemble(opts, logger, log, releaseLocks);
  } catch (err) {
    await releaseLocks();
    throw err;
  }
}

async function assemble(
  opts: StartAgentOptions,
  logger: Logger,
  log: Logger,
  releaseLocks: () => Promise<void>,
) {
  const { configPath, stateDir } = opts;
  const health = new StorageHealth();
  const { config: fileConfig, spool } = await loadRegisteredConfig(configPath, stateDir, log, health);
  const journal = await CommandJournal.open(join(stateDir, 'journal.jsonl'), { health });
  const events = new EventEmitter<AgentEvents>();
  const agentId = fileConfig.identity.agentId;

  const report = async (event: AgentEvent) => {
    await spool.append('event', { ...envelope(), ...event });
  };
  const onPluginEvent = pluginEventReporter(report, log);
  const reportStorage = storageEventReporter({ stateDir, report, log });

  let scheduler: ScanScheduler | null = null;
  let runtime: PluginRuntime | null = null;
  const settings = new AgentSettings({
    configPath,
    stateDir,
    config: fileConfig,
    core: await loadCoreSettings(stateDir),
    reloadPlugins: (configs) => runtime!.reload(configs),
    reschedule: async () => {
      await scheduler?.reschedule();
      events.emit('config', settings.core.revision);
    },
    report,
    logger,
  });
  // What a killed previous run left running (issue 25 §6) goes before anything new starts.
  await stopLeftoverProcesses(stateDir, log);
  runtime = await PluginRuntime.start({
    modules: opts.plugins ?? BUILTIN_AGENT_PLUGINS,
    configs: settings.pluginConfigs(),
    logger,
    onEvent: onPluginEvent,
    runner: trackedRunner(stateDir, log),
  });
  const plugins = runtime;
  const scannerCtx = { runtime: plugins, stateDir, spool, logger };

  let rebootRequired = (await plugins.rebootRequired()).required;
  let executor: CommandExecutor | null = null;
  const handlers = createHandlers({
    runtime: plugins,
    scanner: scannerCtx,
    reboot: () => ({ ...settings.config.reboot, configPath }),
    settings,
    cancel: (id, by) => executor!.cancel(id, by),
    update: {
      serverUrl: () => settings.config.server.url,
      serverKeys: () => settings.config.serverKeys,
      bundle: () => runningBundle(),
    },
    logger,
  });
  const hello = helloBuilder({
    host: hostInfo(),
    capabilities: () => plugins.capabilities(),
    // The core issues only what this agent has a handler for (issue 21 §7).
    commandTypes: () => runnableTypes(handlers),
    machineIdFile: () => settings.config.identity.machineIdFile,
    configRevision: () => settings.core.revision,
    rebootRequired: () => rebootRequired,
    logger,
  });

  const status = new StatusReporter(
    stateDir,
    {
      brokerUrl: () => settings.config.server.brokerUrl,
      lastError: () => connection.error,
      plugins: () => plugins.list(),
      storage: () => ({
        state: health.problem ? 'failing' : 'ok',
        problem: health.problem,
        heldInMemory: spool.held,
      }),
    },
    log,
  );
  health.onChange((change) => {
    reportStorage(change);
    status.update();
  });
  if (health.problem) reportStorage({ kind: 'failing', problem: health.problem });

  const validator = new DownMessageValidator();
  let delivery: SpoolDelivery | null = null;
  let trial: UpdateTrial | null = null;
  const refusedFromCore = (type: DownType, error: string, messageId: string | null) =>
    log.warn({ type, error, messageId }, 'refused a malformed message from the core');
  // Every down message is validated against its protocol schema before a handler sees it.
  const onMessage = (type: DownType, payload: Buffer) => {
    if (type === 'command') {
      const checked = validator.validate('command', payload);
      if (checked.ok) void executor?.handle(checked.message);
      else executor?.malformed(checked.id, checked.error);
    } else if (type === 'receipt') {
      const checked = validator.validate('receipt', payload);
      if (!checked.ok) return refusedFromCore(type, checked.error, checked.id);
      void delivery
        ?.receipt(checked.message)
        .catch((err: unknown) => log.error({ err }, 'could not apply a receipt'));
    } else {
      const checked = validator.validate('config', payload);
      if (!checked.ok) return refusedFromCore(type, checked.error, checked.id);
      void settings
        .applyConfigMessage(checked.message)
        .catch((err: unknown) => log.error({ err }, 'could not apply the config'));
    }
  };

  const sendMetrics = async () => connection.publish('metrics', await collectMetrics(['/', stateDir]));
  const clock = new CoreClock({ serverUrl: () => settings.config.server.url, logger });
  const connection = new AgentConnection({
    brokerUrl: settings.config.server.brokerUrl,
    agentId,
    privateKey: settings.config.identity.privateKey,
    topicPrefix: settings.config.server.topicPrefix,
    agentVersion: AGENT_VERSION,
    tlsCa: settings.config.server.tlsCa,
    backoff: opts.backoff ?? DEFAULT_BACKOFF,
    logger,
    hello,
    onMessage,
    beforeConnect: () => clock.measure(),
    explainCredentialsRefusal: () => clockRefusal(clock.last),
    onOnline: () => {
      delivery?.connectionUp();
      void trial?.connected().catch((err: unknown) => log.error({ err }, 'confirming the update failed'));
      void sendMetrics().catch((err: unknown) => log.warn({ err }, 'metrics failed'));
      status.update('connected');
      events.emit('online');
    },
    onOffline: (reason) => {
      status.update('offline');
      events.emit('offline', reason);
    },
    // Never connected yet: still `connecting`, with the reason in lastError for `status`.
    onRetry: () => status.update(status.state === 'connecting' ? undefined : 'offline'),
  });

  delivery = new SpoolDelivery({
    spool,
    connection,
    resendAfterMs: opts.resendAfterMs ?? 120_000,
    logger,
    onReceipt: (receipt, wasSpooled) => events.emit('receipt', receipt, wasSpooled),
  });
  const refreshRebootStatus = async () => {
    const now = (await plugins.rebootRequired()).required;
    if (now !== rebootRequired) {
      rebootRequired = now;
      // metrics has no field for it; hello does, and the core applies a repeated hello as an update.
      if (connection.online) await connection.publish('hello', hello());
    }
  };
  executor = new CommandExecutor({
    agentId,
    serverKeys: () => settings.config.serverKeys,
    journal,
    spool,
    publish: (type, message) => connection.publish(type, message),
    handlers,
    isPluginAvailable: (name) => plugins.isAvailable(name),
    report,
    logger,
    clock,
    onAck: (ack) => events.emit('ack', ack),
    onResult: (result) => {
      events.emit('result', result);
      void refreshRebootStatus().catch(() => {});
    },
    onRestart: (commandId) => events.emit('restart', `update_agent ${commandId}`),
  });
  try {
    const exec = executor;
    trial = await settleUpdateTrial({
      bundle: runningBundle(),
      finish: (id, outcome, startedAt) => exec.finish(id, outcome, startedAt),
      report,
      logger,
    });
    await executor.recoverInterrupted(new Set(trial.awaiting ? [trial.awaiting] : []));
  } catch (err) {
    await plugins.stop(); // the locks are released by startAgent
    throw err;
  }

  const scanNow = async (plugin: string, trigger: ScanTrigger = 'schedule') => {
    const run = await runScan(scannerCtx, plugin, { trigger });
    events.emit('scan', run);
    return run;
  };
  scheduler = new ScanScheduler({
    plugins: () => plugins.available(),
    schedules: () => settings.core.schedules,
    defaultIntervalSeconds: settings.config.scans.defaultIntervalSeconds,
    lastScanAt: async (plugin) => {
      const cached = (await readScanCache(stateDir)).find((c) => c.plugin === plugin);
      return cached ? new Date(cached.last.finishedAt) : null;
    },
    scan: async (plugin) => void (await scanNow(plugin)),
    logger,
    startupSpreadMs: opts.scheduler?.startupSpreadMs,
  });

  const metricsTimer = setInterval(() => {
    void refreshRebootStatus()
      .then(() => (connection.online ? sendMetrics() : false))
      .catch((err: unknown) => log.warn({ err }, 'metrics failed'));
  }, settings.config.metrics.intervalSeconds * 1000);

  status.update();
  delivery.start();
  connection.start();
  try {
    if (opts.scheduler?.enabled !== false) await scheduler.start();
  } catch (err) {
    clearInterval(metricsTimer);
    await delivery.stop();
    await connection.stop();
    await plugins.stop();
    throw err;
  }
  log.info(
    {
      agentId,
      version: AGENT_VERSION,
      plugins: plugins.list(),
      spool: spool.depth,
      brokerUrl: settings.config.server.brokerUrl,
    },
    'RedFlag agent started',
  );

  let stopping: Promise<void> | null = null;
  return {
    agentId,
    events,
    spool,
    journal,
    plugins,
    get online() {
      return connection.online;
    },
    get configRevision() {
      return settings.core.revision;
    },
    scanNow,
    sendMetrics,
    schedule() {
      const planned = scheduler!.planned();
      return Object.fromEntries(
        plugins
          .available()
          .map((p) => [
            p,
            { ...scheduler!.scheduleOf(p), nextAt: planned[p] ? new Date(planned[p]).toISOString() : null },
          ]),
      );
    },
    stop() {
      stopping ??= (async () => {
        scheduler?.stop();
        clearInterval(metricsTimer);
        await executor!.stop(opts.shutdownGraceMs ?? 60_000);
        await delivery!.stop();
        await connection.stop();
        await plugins.stop();
        status.update('stopped');
        await status.flush();
        await releaseLocks();
        log.info('RedFlag agent stopped');
      })();
      return stopping;
    },
  } satisfies AgentHandle;
}
