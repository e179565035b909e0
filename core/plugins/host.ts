import {
  type Notification,
  type OperationName,
  type PluginEvent,
  PluginHost,
  type PluginKind,
  type PluginMigration,
  type PluginRequest,
  type PluginRoute,
  type PluginState,
} from '../../plugins/sdk/index.js';
import type { Dispatcher } from '../commands/index.js';
import type { Database } from '../db/index.js';
import type { EventRecorder, LiveBus } from '../events/index.js';
import type { JobRunner } from '../jobs/index.js';
import type { Service } from '../lifecycle/index.js';
import type { Logger } from '../log/index.js';
import { pluginModules } from './modules.js';
import {
  corePluginContext,
  type PluginRegistrations,
  type RegistrationTokenIssuer,
} from './plugin-context.js';
import { secretRedactor } from './secrets.js';
import type { WorkflowApprove } from './update-approver.js';

export interface CorePluginHostContext {
  /** config.yaml `plugins.enabled`: the integration and notifier plugins to load. */
  enabled: readonly string[];
  /** Where `<name>/index.(js|ts)` are; null: this RedFlag's plugins/ folder. */
  directory: string | null;
  configs: Record<string, unknown>;
  secrets: Record<string, unknown>;
  db: Database;
  bus: LiveBus;
  events: EventRecorder;
  dispatcher: Pick<Dispatcher, 'issue'>;
  /** The core's install workflow, for plugins' approvals (`ctx.updates`). */
  workflow: WorkflowApprove;
  jobs: JobRunner;
  /**
   * Single-seat registration tokens for plugins (the Proxmox plugin's enrollment into LXCs);
   * the composition root wires core/fleet's createToken here. Absent: plugins get none.
   */
  registrationTokens?: RegistrationTokenIssuer;
  logger: Logger;
  timeouts?: Partial<Record<OperationName, number>>;
}

/** One row of GET /api/v1/plugins. */
export interface PluginInfo {
  name: string;
  kind: PluginKind | null;
  version: string | null;
  state: PluginState;
  lastError: string | null;
}

export interface PluginRouteEntry {
  plugin: string;
  route: PluginRoute;
}

export type RouteAnswer =
  { status: 200; body: unknown } | { status: 500 | 502 | 503; error: { code: string; message: string } };

export interface CorePluginHost extends Service {
  /**
   * Loads every enabled plugin: checks its apiVersion and config, runs its migrations, creates
   * it (it declares its routes then). Before the HTTP server is built; never rejects.
   */
  load(): Promise<void>;
  list(): PluginInfo[];
  routes(): PluginRouteEntry[];
  /** Calls a plugin's route handler under the host's guard. */
  handle(plugin: string, route: PluginRoute, request: PluginRequest): Promise<RouteAnswer>;
}

/** Notifiers hear of what went wrong; their own failures (type plugin) would loop back to them. */
const NOTIFIED_SEVERITIES = new Set(['warning', 'error', 'critical']);

/**
 * The core's plugin host (issue 22 §4, DESIGN.md §7): the SDK's host, which checks, creates and
 * guards plugins, given the core's context parts; plus the start and stop of integrations, the
 * routes they declared, and the record of every failure. A plugin that throws is disabled and
 * recorded; the others keep running.
 */
export function createCorePluginHost(ctx: CorePluginHostContext): CorePluginHost {
  const log = ctx.logger.child({ component: 'plugins' });
  const redactors = new Map(
    ctx.enabled.map((name) => [name, secretRedactor((ctx.secrets[name] ?? {}) as Record<string, unknown>)]),
  );
  const redact = <T>(plugin: string, value: T): T => (redactors.get(plugin) ?? ((v: T) => v))(value);
  const registrations = new Map<string, PluginRegistrations>();
  const lastErrors = new Map<string, string>();
  let routesOpen = true;
  let notifierOff: (() => void) | null = null;
  let migrations: Promise<void> = Promise.resolve();
  const { workflow } = ctx;

  const record = (event: PluginEvent) => {
    const message = redact(event.plugin, event.message);
    if (event.severity !== 'info') lastErrors.set(event.plugin, message);
    const level = event.severity === 'warning' ? 'warn' : event.severity;
    log[level]({ plugin: event.plugin, subtype: event.subtype }, message);
    void ctx.events.record({
      type: 'plugin',
      subtype: event.subtype,
      severity: event.severity,
      component: 'plugins',
      message,
      metadata: redact(event.plugin, { plugin: event.plugin, ...(event.metadata ?? {}) }),
    });
  };

  const host: PluginHost = new PluginHost({
    modules: pluginModules(ctx.enabled, ctx.directory),
    accept: ['integration', 'notifier'],
    configs: ctx.configs,
    secrets: ctx.secrets,
    timeouts: ctx.timeouts,
    onEvent: record,
    log: (entry) => {
      const fields = redact(entry.plugin, entry.fields);
      log[entry.level](fields, redact(entry.plugin, entry.message));
    },
    // One plugin's migrations at a time: each checks that only its own tables changed.
    prepare: (plugin) => {
      const migrating = migrations.then(async () => {
        const applied = await ctx.db
          .plugin(plugin.name)
          .migrate(plugin.migrations as readonly PluginMigration[]);
        if (applied.length) log.info({ plugin: plugin.name, applied }, 'plugin migrations applied');
      });
      migrations = migrating.catch(() => {});
      return migrating;
    },
    extendContext: (plugin) => {
      const own: PluginRegistrations = { routes: [], unsubscribes: [], removeJobs: [] };
      registrations.set(plugin.name, own);
      return corePluginContext(
        plugin,
        {
          db: ctx.db,
          bus: ctx.bus,
          dispatcher: ctx.dispatcher,
          workflow,
          events: ctx.events,
          jobs: ctx.jobs,
          registrationTokens: ctx.registrationTokens,
          routesOpen: () => routesOpen,
          isActive,
          guarded: async (name, operation, invoke) => {
            const outcome = await host.call(name, operation, (op) => invoke(op.signal));
            if (!outcome.ok && outcome.reason !== 'disabled') throw new Error(outcome.message);
          },
        },
        own,
      );
    },
  });

  function isActive(name: string): boolean {
    return host.list().some((s) => s.name === name && s.state === 'active');
  }

  const names = () => host.list().flatMap((s) => (s.name && s.state === 'active' ? [s] : []));

  const notify = (event: Parameters<Parameters<LiveBus['on']>[1]>[0]) => {
    if (event.kind !== 'system.event') return;
    const { data } = event;
    if (data.type === 'plugin' || !NOTIFIED_SEVERITIES.has(data.severity)) return;
    const notification: Notification = {
      type: data.type,
      subtype: data.subtype ?? '',
      severity: data.severity as Notification['severity'],
      message: data.message,
      ...(event.agentId ? { agentId: event.agentId } : {}),
      metadata: data.metadata,
    };
    for (const status of names())
      if (status.kind === 'notifier') void host.notifier(status.name!)?.notify(notification);
  };

  return {
    name: 'plugins',
    async load() {
      if (ctx.enabled.length === 0) return;
      await host.start();
      // Routes are in the HTTP server from its start; a plugin cannot add one later.
      routesOpen = false;
      for (const status of host.list())
        if (status.state !== 'active' && status.name) registrations.delete(status.name);
    },
    async start() {
      for (const status of names()) {
        if (status.kind !== 'integration') continue;
        const outcome = await host.integration(status.name!)!.start();
        // A PluginError at start leaves a plugin that did not start: disabled too.
        if (!outcome.ok && outcome.reason === 'error' && host.disable(status.name!, outcome.message))
          record({
            type: 'plugin',
            subtype: 'failed',
            severity: 'error',
            plugin: status.name!,
            message: `${outcome.message}; the plugin was disabled`,
          });
      }
      if (names().some((s) => s.kind === 'notifier')) notifierOff = ctx.bus.on('system.event', notify);
    },
    async stop() {
      notifierOff?.();
      for (const status of names())
        if (status.kind === 'integration') await host.integration(status.name!)!.stop();
      for (const own of registrations.values()) {
        for (const off of own.unsubscribes) off();
        for (const remove of own.removeJobs) remove();
      }
      await host.stop();
    },
    list() {
      return host.list().map((status, index) => ({
        name: status.name ?? ctx.enabled[index]!,
        kind: status.kind ?? null,
        version: status.version ?? null,
        state: status.state,
        lastError: status.message
          ? redact(status.name ?? '', status.message)
          : (lastErrors.get(status.name ?? ctx.enabled[index]!) ?? null),
      }));
    },
    routes() {
      return [...registrations].flatMap(([plugin, own]) => own.routes.map((route) => ({ plugin, route })));
    },
    async handle(plugin, route, request) {
      const outcome = await host.call(plugin, 'route', (op) => route.handler(structuredClone(request), op));
      if (outcome.ok) return { status: 200, body: outcome.value };
      const message = redact(plugin, outcome.message);
      switch (outcome.reason) {
        case 'error':
          return { status: 502, error: { code: outcome.code ?? 'plugin_error', message } };
        case 'crashed':
        case 'timeout':
          return { status: 500, error: { code: 'plugin_failed', message } };
        default:
          return { status: 503, error: { code: 'plugin_unavailable', message } };
      }
    },
  };
}
