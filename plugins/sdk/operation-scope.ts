import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The abort signal of the host operation currently running (a scan, an install). The context's
 * process runner reads it, so a process a plugin starts is killed when the host stops that
 * operation, even if the plugin forgot to pass the signal along.
 */
const scope = new AsyncLocalStorage<AbortSignal>();

/**
 * The abort reason when an operation ended normally. A timer the plugin set up during an
 * operation still carries that operation's signal; a process it starts later is not part of the
 * finished operation and must not be killed at birth.
 */
export class OperationFinished extends Error {
  override readonly name = 'OperationFinished';
}

export function runInOperation<T>(signal: AbortSignal, fn: () => T): T {
  return scope.run(signal, fn);
}

/** The signal of the operation still running here, if any. */
export function currentOperationSignal(): AbortSignal | undefined {
  const signal = scope.getStore();
  return signal?.aborted && signal.reason instanceof OperationFinished ? undefined : signal;
}
