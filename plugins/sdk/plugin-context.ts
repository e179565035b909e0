import { type Clock, systemClock } from './clock.js';
import type { PluginContext } from './context.js';
import { createPluginLogger, type LogSink } from './logger.js';
import { currentOperationSignal } from './operation-scope.js';
import { type ProcessRunner, runProcess } from './process-runner.js';
import { linkSignals } from './signals.js';

export interface ContextOptions {
  name: string;
  version: string;
  config: Record<string, unknown>;
  /** Aborts when the host stops. */
  lifetime: AbortSignal;
  runner?: ProcessRunner;
  clock?: Clock;
  log?: LogSink;
}

/** The one object a plugin gets (DESIGN.md §7), frozen with its config. */
export function createPluginContext(options: ContextOptions): PluginContext<unknown> {
  const runner = options.runner ?? runProcess;
  const { lifetime } = options;
  // Every process dies with the operation that started it, or with the plugin.
  const run: ProcessRunner = (command, args, runOptions = {}) => {
    const link = linkSignals(runOptions.signal, currentOperationSignal(), lifetime);
    return runner(command, args, { ...runOptions, signal: link.signal }).finally(link.dispose);
  };
  return Object.freeze({
    plugin: Object.freeze({ name: options.name, version: options.version }),
    config: deepFreeze(options.config),
    logger: createPluginLogger(options.name, options.log ?? (() => {})),
    run,
    clock: options.clock ?? systemClock,
    signal: lifetime,
  });
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
