import type { Clock } from './clock.js';
import type { Logger } from './logger.js';
import type { ProcessRunner } from './process-runner.js';

/** The one object the host hands a plugin when it creates it (DESIGN.md §7). */
export interface PluginContext<TConfig = unknown> {
  readonly plugin: { readonly name: string; readonly version: string };
  /** The plugin's config, validated against its schema, defaults filled in. */
  readonly config: Readonly<TConfig>;
  /** Lines carry the `[plugin]` prefix. */
  readonly logger: Logger;
  /**
   * Runs a program with an argument vector, streaming its output lines. Stopped automatically
   * when the host stops the operation that started it or the plugin itself.
   */
  readonly run: ProcessRunner;
  readonly clock: Clock;
  /** Aborts when the host stops the plugin (shutdown, or the plugin was disabled). */
  readonly signal: AbortSignal;
}

/** Passed to every operation the host calls. */
export interface OperationContext {
  /** Aborts when the operation is cancelled or runs out of time: stop and return or throw. */
  readonly signal: AbortSignal;
  /**
   * An install's point of no return (issue 21 §6): call it right before the package manager
   * starts changing the system (after downloading and checking). Throws an AbortError when the
   * install was cancelled before it, so nothing is changed; after it a cancel is refused
   * (`cannot_stop_safely`) and the install runs to its end. A plugin that calls it says so with
   * `PackageManager.marksPointOfNoReturn`. Outside an install it only checks for a cancel.
   */
  pointOfNoReturn(): void;
}
