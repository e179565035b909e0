import type { Clock } from './clock.js';
import type { LogSink } from './logger.js';
import type { PluginKind } from './manifest.js';
import type { ProcessRunner } from './process-runner.js';

/** One plugin module the host may load; built-in discovery is a static list of these. */
export interface PluginModuleEntry {
  /** Where it comes from, for messages: `plugins/apt`. */
  id: string;
  /** Imports the module; its default export is the definePlugin() result. */
  load(): Promise<unknown>;
}

/** A plugin that passed the host's checks, about to be created. */
export interface PreparedPlugin {
  name: string;
  version: string;
  kind: PluginKind;
  /** The definition's `migrations`, when it has some (core plugins). */
  migrations: readonly unknown[];
  /** Validated, defaults filled in. */
  secrets: Record<string, unknown>;
}

export type PluginState = 'active' | 'refused' | 'failed' | 'disabled' | 'stopped';

export interface PluginStatus {
  id: string;
  name?: string;
  version?: string;
  kind?: PluginKind;
  /**
   * active: loaded and answering. refused: not loaded (API version, config, kind, manifest).
   * failed: its module or create() threw or hung. disabled: it threw or hung in an operation;
   * `enable()` takes it back. stopped: the host shut down.
   */
  state: PluginState;
  message?: string;
}

/** Shaped like a `system_events` row (DESIGN.md §5) so the agent and core can record it as is. */
export interface PluginEvent {
  type: 'plugin';
  subtype: 'loaded' | 'refused' | 'failed' | 'operation-failed' | 'invalid-result' | 'enabled';
  severity: 'info' | 'warning' | 'error';
  /** The plugin's name, or its module id when the name is not known. */
  plugin: string;
  message: string;
  metadata?: Record<string, unknown>;
}

export type OperationName =
  | 'load'
  | 'create'
  | 'dispose'
  | 'detect'
  | 'scan'
  | 'dryRun'
  | 'install'
  | 'rebootRequired'
  | 'holds'
  | 'command'
  | 'start'
  | 'stop'
  | 'notify'
  | 'route'
  | 'job'
  | 'event';

/**
 * How long each operation may run before the host stops it and disables the plugin. Generous:
 * they catch hangs, the plugin's own timeouts (apt's lock wait, its index refresh) come first.
 */
export const DEFAULT_OPERATION_TIMEOUTS_MS: Readonly<Record<OperationName, number>> = {
  load: 30_000,
  create: 30_000,
  dispose: 10_000,
  detect: 60_000,
  scan: 30 * 60_000,
  dryRun: 15 * 60_000,
  install: 3 * 60 * 60_000,
  rebootRequired: 2 * 60_000,
  holds: 2 * 60_000,
  command: 30 * 60_000,
  start: 60_000,
  stop: 30_000,
  notify: 60_000,
  route: 60_000,
  job: 30 * 60_000,
  event: 60_000,
};

export interface PluginHostOptions {
  /** Plugin modules to load, in order (agent/plugins.ts for the agent). */
  modules: readonly PluginModuleEntry[];
  /** Kinds that run here: the agent takes `package-manager`, the core the other two. */
  accept: readonly PluginKind[];
  /** Config of each plugin by name, before defaults; validated against the plugin's schema. */
  configs?: Readonly<Record<string, unknown>>;
  /** Secrets of each plugin by name, validated against its `secretsSchema` (core plugins). */
  secrets?: Readonly<Record<string, unknown>>;
  /**
   * Runs before a plugin's create(), inside its guard (the core runs the plugin's migrations
   * here); a throw fails the plugin, the others load.
   */
  prepare?: (plugin: PreparedPlugin) => Promise<void>;
  /** What the host adds to the plugin's context (the core's bus, fleet, routes, jobs…). */
  extendContext?: (plugin: PreparedPlugin, lifetime: AbortSignal) => Record<string, unknown>;
  /** Every load, refusal and failure; a throwing callback is ignored. */
  onEvent?: (event: PluginEvent) => void;
  /** Where plugin log lines go; dropped when absent. */
  log?: LogSink;
  clock?: Clock;
  /** The process runner behind `ctx.run` (tests may substitute one). */
  runner?: ProcessRunner;
  timeouts?: Partial<Record<OperationName, number>>;
  /** The API version offered; PLUGIN_API_VERSION unless a test says otherwise. */
  apiVersion?: string;
}

/** What every hosted call resolves to: the host never rejects and never throws. */
export type OperationOutcome<T> =
  | { ok: true; value: T }
  | {
      ok: false;
      /**
       * error: the plugin reported a PluginError (stays enabled). crashed: it threw anything
       * else or returned nonsense (disabled). timeout: it hung (stopped, disabled).
       * cancelled: the caller or the host's shutdown aborted it. disabled: not called at all.
       */
      reason: 'error' | 'crashed' | 'timeout' | 'cancelled' | 'disabled';
      message: string;
      code?: string;
      /** A PluginError's `details` (docker: each container's outcome of a failed update). */
      details?: Record<string, unknown>;
    };

export interface CallOptions {
  signal?: AbortSignal;
  /** Overrides the host's timeout for this one call. */
  timeoutMs?: number;
  /**
   * Told when an install reaches its point of no return (issue 21 §6). False: the caller has
   * cancelled meanwhile, and the install stops there with nothing changed. From then on the
   * caller must not treat a cancel as stopping it (it still stops on `signal`).
   */
  onPointOfNoReturn?(): boolean;
}
