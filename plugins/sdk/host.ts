import { PLUGIN_API_VERSION } from './api-version.js';
import type { OperationContext } from './context.js';
import { type GuardReport, type GuardTarget, guardOperation } from './guarded-operation.js';
import {
  type CallOptions,
  DEFAULT_OPERATION_TIMEOUTS_MS,
  type OperationName,
  type OperationOutcome,
  type PluginEvent,
  type PluginHostOptions,
  type PluginStatus,
  type PreparedPlugin,
} from './host-types.js';
import {
  type HostedIntegration,
  type HostedNotifier,
  type HostedPackageManager,
  hostIntegration,
  hostNotifier,
  hostPackageManager,
  type OperationCaller,
} from './hosted-plugins.js';
import type { Integration, Notifier } from './integration.js';
import type { PackageManager } from './package-manager.js';
import { type AnyPlugin, checkPlugin } from './plugin-checks.js';
import { createPluginContext } from './plugin-context.js';
import { acceptAnything, instanceCheck } from './result-checks.js';
import { importPluginModule } from './module-import.js';

interface HostedPlugin {
  id: string;
  plugin: AnyPlugin;
  instance: object;
  status: PluginStatus;
  lifetime: AbortController;
  target: GuardTarget;
}

/**
 * Loads plugins and stands between them and their caller (DESIGN.md §7): refuses a plugin whose
 * apiVersion, kind, manifest or config does not fit, hands each one a context, and runs every
 * operation guarded, so a plugin that throws or hangs is stopped, reported and disabled while
 * the others keep working. The agent hosts package managers; the core hosts the other kinds.
 */
export class PluginHost {
  private readonly statuses: PluginStatus[] = [];
  private readonly hosted = new Map<string, HostedPlugin>();
  private starting: Promise<PluginStatus[]> | undefined;

  constructor(private readonly options: PluginHostOptions) {}

  /** Loads, checks and creates every plugin module. Never rejects; read the statuses. */
  start(): Promise<PluginStatus[]> {
    this.starting ??= this.loadAll();
    return this.starting;
  }

  /** Every module's status, in the order the modules were given. */
  list(): PluginStatus[] {
    return this.statuses.map((s) => ({ ...s }));
  }

  packageManagers(): HostedPackageManager[] {
    return [...this.hosted.keys()].flatMap((name) => this.packageManager(name) ?? []);
  }

  packageManager(name: string): HostedPackageManager | undefined {
    const hosted = this.hosted.get(name);
    if (hosted?.plugin.kind !== 'package-manager') return undefined;
    return hostPackageManager(
      name,
      hosted.plugin.version,
      hosted.instance as PackageManager,
      this.caller(hosted),
      (dropped) =>
        this.emit({
          type: 'plugin',
          subtype: 'invalid-result',
          severity: 'warning',
          plugin: name,
          message: `plugin ${name}: scan returned ${dropped.length} malformed record(s); they were dropped and the scan marked incomplete`,
          metadata: { dropped },
        }),
    );
  }

  integration(name: string): HostedIntegration | undefined {
    const hosted = this.hosted.get(name);
    if (hosted?.plugin.kind !== 'integration') return undefined;
    return hostIntegration(name, hosted.plugin.version, hosted.instance as Integration, this.caller(hosted));
  }

  notifier(name: string): HostedNotifier | undefined {
    const hosted = this.hosted.get(name);
    if (hosted?.plugin.kind !== 'notifier') return undefined;
    return hostNotifier(name, hosted.plugin.version, hosted.instance as Notifier, this.caller(hosted));
  }

  /**
   * Runs one more kind of operation of an active plugin under the same guard as its own
   * (the core's route handlers, jobs and bus listeners): a throw or a hang disables the plugin.
   */
  call<T>(
    name: string,
    operation: OperationName,
    invoke: (op: OperationContext) => Promise<T> | T,
    options?: CallOptions,
  ): Promise<OperationOutcome<T>> {
    const hosted = this.hosted.get(name);
    if (!hosted)
      return Promise.resolve({ ok: false, reason: 'disabled', message: `plugin ${name} is not loaded` });
    return this.caller(hosted)(operation, acceptAnything, options, async (op) => invoke(op));
  }

  /** Stops calling a plugin (its start() failed); `enable()` takes it back. False when not active. */
  disable(name: string, message: string): boolean {
    const hosted = this.hosted.get(name);
    if (hosted?.status.state !== 'active') return false;
    hosted.target.disable(message);
    return true;
  }

  /** Takes a disabled plugin back (after its cause was fixed); false when it is not disabled. */
  enable(name: string): boolean {
    const hosted = this.hosted.get(name);
    if (hosted?.status.state !== 'disabled') return false;
    hosted.status = { ...hosted.status, state: 'active', message: undefined };
    this.updateStatus(hosted);
    this.emit({
      type: 'plugin',
      subtype: 'enabled',
      severity: 'info',
      plugin: name,
      message: `plugin ${name} enabled again`,
    });
    return true;
  }

  /** Cancels every running operation (killing its processes) and disposes of every plugin. */
  async stop(): Promise<void> {
    await this.starting;
    await Promise.all(
      [...this.hosted.values()].map(async (hosted) => {
        hosted.lifetime.abort(new Error('the plugin host is stopping'));
        const dispose = (hosted.instance as Partial<PackageManager>).dispose;
        if (typeof dispose === 'function') {
          // Its lifetime is over, so dispose runs under a target of its own.
          const target: GuardTarget = {
            ...hosted.target,
            unavailable: () => null,
            disable: () => {},
            failureNote: 'it is stopped anyway',
            lifetime: new AbortController().signal,
          };
          const outcome = await guardOperation(
            target,
            {
              operation: 'dispose',
              timeoutMs: this.timeout('dispose'),
              check: acceptAnything,
              invoke: () => dispose.call(hosted.instance),
            },
            this.reportFor(hosted.plugin.name),
          );
          if (!outcome.ok) hosted.status.message = outcome.message;
        }
        hosted.status = { ...hosted.status, state: 'stopped' };
        this.updateStatus(hosted);
      }),
    );
  }

  private async loadAll(): Promise<PluginStatus[]> {
    const { modules } = this.options;
    // Imports run side by side: a module that hangs costs its own timeout, not everyone's.
    const imported = await Promise.all(
      modules.map((entry) => importPluginModule(entry, this.timeout('load'))),
    );
    const taken = new Map<string, string>();
    const creations: Array<Promise<void>> = [];
    modules.forEach((entry, index) => {
      const result = imported[index]!;
      if (!result.ok) {
        this.statuses.push({ id: entry.id, state: 'failed', message: result.message });
        this.emit({
          type: 'plugin',
          subtype: 'failed',
          severity: 'error',
          plugin: entry.id,
          message: result.message,
        });
        return;
      }
      const check = checkPlugin(entry.id, result.value, {
        accept: this.options.accept,
        apiVersion: this.options.apiVersion ?? PLUGIN_API_VERSION,
        configs: this.options.configs ?? {},
        secrets: this.options.secrets ?? {},
        loaded: taken,
      });
      if (!check.ok) {
        this.statuses.push({ id: entry.id, name: check.name, state: 'refused', message: check.message });
        this.emit({
          type: 'plugin',
          subtype: 'refused',
          severity: 'error',
          plugin: check.name ?? entry.id,
          message: check.message,
        });
        return;
      }
      taken.set(check.plugin.name, entry.id);
      const status: PluginStatus = {
        id: entry.id,
        name: check.plugin.name,
        version: check.plugin.version,
        kind: check.plugin.kind,
        state: 'failed',
        message: 'not created yet',
      };
      this.statuses.push(status);
      creations.push(
        this.create(entry.id, check.plugin, check.config, check.secrets, this.statuses.length - 1),
      );
    });
    await Promise.all(creations);
    return this.list();
  }

  private async create(
    id: string,
    plugin: AnyPlugin,
    config: Record<string, unknown>,
    secrets: Record<string, unknown>,
    index: number,
  ): Promise<void> {
    const { name, version, kind } = plugin;
    const lifetime = new AbortController();
    const hosted: HostedPlugin = {
      id,
      plugin,
      instance: {},
      status: this.statuses[index]!,
      lifetime,
      target: {
        name,
        lifetime: lifetime.signal,
        failureNote: 'the plugin was disabled',
        unavailable: () =>
          hosted.status.state === 'active'
            ? null
            : `plugin ${name} is ${hosted.status.state}: ${hosted.status.message ?? ''}`,
        disable: (message) => {
          hosted.status = { ...hosted.status, state: 'disabled', message };
          this.updateStatus(hosted);
        },
      },
    };
    const prepared: PreparedPlugin = {
      name,
      version,
      kind,
      migrations: 'migrations' in plugin && Array.isArray(plugin.migrations) ? plugin.migrations : [],
      secrets,
    };
    const base = createPluginContext({
      name,
      version,
      config,
      lifetime: lifetime.signal,
      runner: this.options.runner,
      clock: this.options.clock,
      log: this.options.log,
    });
    // The core's plugins get its parts too (issue 22 §4); the agent's get the common context.
    const extension = this.options.extendContext?.(prepared, lifetime.signal);
    const context = extension ? Object.freeze({ ...base, ...extension }) : base;
    const creating: GuardTarget = {
      ...hosted.target,
      unavailable: () => null,
      disable: () => {},
      failureNote: 'the plugin was not started',
    };
    const outcome = await guardOperation(
      creating,
      {
        operation: 'create',
        timeoutMs: this.timeout('create'),
        check: instanceCheck(kind),
        // create() may be async; `this` stays the definition.
        invoke: async () => {
          await this.options.prepare?.(prepared);
          return (await plugin.create(context as never)) as object;
        },
      },
      { operationFailed: () => {}, crashed: () => {} },
    );
    if (!outcome.ok) {
      const { message } = outcome;
      hosted.status = { ...hosted.status, state: 'failed', message };
      this.statuses[index] = hosted.status;
      lifetime.abort(new Error('the plugin failed to start'));
      this.emit({ type: 'plugin', subtype: 'failed', severity: 'error', plugin: name, message });
      return;
    }
    hosted.instance = outcome.value;
    hosted.status = { ...hosted.status, state: 'active', message: undefined };
    this.statuses[index] = hosted.status;
    this.hosted.set(name, hosted);
    this.emit({
      type: 'plugin',
      subtype: 'loaded',
      severity: 'info',
      plugin: name,
      message: `plugin ${name} ${version} loaded (${kind})`,
    });
  }

  private caller(hosted: HostedPlugin): OperationCaller {
    return (operation, check, options, invoke) =>
      guardOperation(
        hosted.target,
        {
          operation,
          timeoutMs: options?.timeoutMs ?? this.timeout(operation),
          signal: options?.signal,
          ...(options?.onPointOfNoReturn ? { onPointOfNoReturn: options.onPointOfNoReturn } : {}),
          check,
          invoke,
        },
        this.reportFor(hosted.plugin.name),
      );
  }

  private reportFor(plugin: string): GuardReport {
    return {
      operationFailed: (message, code) =>
        this.emit({
          type: 'plugin',
          subtype: 'operation-failed',
          severity: 'warning',
          plugin,
          message,
          metadata: { code },
        }),
      crashed: (message) =>
        this.emit({ type: 'plugin', subtype: 'failed', severity: 'error', plugin, message }),
    };
  }

  private updateStatus(hosted: HostedPlugin): void {
    const index = this.statuses.findIndex((s) => s.name === hosted.plugin.name && s.id === hosted.id);
    if (index !== -1) this.statuses[index] = hosted.status;
  }

  private timeout(operation: OperationName): number {
    return this.options.timeouts?.[operation] ?? DEFAULT_OPERATION_TIMEOUTS_MS[operation];
  }

  private emit(event: PluginEvent): void {
    try {
      this.options.onEvent?.(event);
    } catch {
      // A broken event consumer must not take the host down with it.
    }
  }
}
