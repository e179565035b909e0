import { abortError } from './clock.js';
import type { OperationContext } from './context.js';
import { errorMessage, isPluginError } from './errors.js';
import type { OperationName, OperationOutcome } from './host-types.js';
import { OperationFinished, runInOperation } from './operation-scope.js';
import type { ShapeCheck } from './result-checks.js';
import { linkSignals } from './signals.js';

export interface GuardTarget {
  name: string;
  /** Why the plugin cannot be called, or null when it is active. */
  unavailable(): string | null;
  /** The plugin threw or hung: stop calling it. */
  disable(reason: string): void;
  /** Appended to the message of a throw or a hang: what happened to the plugin. */
  failureNote: string;
  /** Aborts when the host shuts down. */
  lifetime: AbortSignal;
}

export interface GuardReport {
  /** A PluginError: reported, plugin stays enabled. */
  operationFailed(message: string, code: string): void;
  /** A bug or a hang: the plugin was disabled. */
  crashed(message: string): void;
}

export interface GuardSpec<T> {
  operation: OperationName;
  timeoutMs: number;
  signal?: AbortSignal;
  /** See CallOptions.onPointOfNoReturn. */
  onPointOfNoReturn?(): boolean;
  check: ShapeCheck;
  invoke(op: OperationContext): Promise<T> | T;
}

class OperationTimeout extends Error {
  override readonly name = 'TimeoutError';
}

/**
 * Runs one plugin operation so that nothing it does can hurt the host: it resolves to an
 * outcome and never rejects; a throw or a hang disables the plugin; on a hang or a cancel the
 * operation's signal aborts, which also kills every process it started through ctx.run.
 */
export async function guardOperation<T>(
  target: GuardTarget,
  spec: GuardSpec<T>,
  report: GuardReport,
): Promise<OperationOutcome<T>> {
  const unavailable = target.unavailable();
  if (unavailable !== null) return { ok: false, reason: 'disabled', message: unavailable };

  const controller = new AbortController();
  const link = linkSignals(spec.signal, target.lifetime);
  const stopOnCancel = () => controller.abort(link.signal.reason);
  link.signal.addEventListener('abort', stopOnCancel, { once: true });
  if (link.signal.aborted) stopOnCancel();

  const op: OperationContext = {
    signal: controller.signal,
    // issue 21 §6: checked and passed in one step (no await between), so a cancel either
    // stops the install here or finds it past the point and is refused.
    pointOfNoReturn() {
      if (!controller.signal.aborted && spec.onPointOfNoReturn?.() === false)
        controller.abort(new Error(`${spec.operation} was cancelled before its point of no return`));
      if (controller.signal.aborted) throw abortError(controller.signal);
    },
  };
  // Inside the promise constructor so a plugin that throws synchronously is caught too.
  const work = new Promise<T>((resolve) => resolve(runInOperation(controller.signal, () => spec.invoke(op))));
  work.catch(() => {}); // the plugin may reject after we stopped waiting for it

  let timer: NodeJS.Timeout | undefined;
  const interrupted = new Promise<'timeout' | 'cancelled'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), spec.timeoutMs);
    if (controller.signal.aborted) resolve('cancelled');
    controller.signal.addEventListener('abort', () => resolve('cancelled'), { once: true });
  });

  const label = spec.operation;
  try {
    const settled = await Promise.race([
      work.then(
        (value) => ({ done: true as const, value }),
        (error: unknown) => ({ done: false as const, error }),
      ),
      interrupted,
    ]);
    if (settled === 'timeout') {
      const message = `plugin ${target.name}: ${label} did not finish within ${formatDuration(spec.timeoutMs)} and was stopped; ${target.failureNote}`;
      controller.abort(new OperationTimeout(message));
      target.disable(message);
      report.crashed(message);
      return { ok: false, reason: 'timeout', message };
    }
    if (settled === 'cancelled')
      return { ok: false, reason: 'cancelled', message: `plugin ${target.name}: ${label} was cancelled` };
    if (!settled.done) {
      controller.abort(); // stop whatever it left running
      const error = settled.error;
      if (isPluginError(error)) {
        const message = `plugin ${target.name}: ${label} failed: ${error.message}`;
        report.operationFailed(message, error.code);
        const details = Object.keys(error.details ?? {}).length ? { details: { ...error.details } } : {};
        return { ok: false, reason: 'error', message, code: error.code, ...details };
      }
      const what = error instanceof Error ? `${error.name}: ${errorMessage(error)}` : errorMessage(error);
      const message = `plugin ${target.name}: ${label} threw ${what}; ${target.failureNote}`;
      target.disable(message);
      report.crashed(message);
      return { ok: false, reason: 'crashed', message };
    }
    const problem = spec.check(settled.value);
    if (problem !== null) {
      const message = `plugin ${target.name}: ${label} returned an invalid result (${problem}); ${target.failureNote}`;
      target.disable(message);
      report.crashed(message);
      return { ok: false, reason: 'crashed', message };
    }
    return { ok: true, value: settled.value };
  } finally {
    clearTimeout(timer);
    // The operation owns the processes it started: none outlives it, even one it forgot to await.
    if (!controller.signal.aborted) controller.abort(new OperationFinished(`${label} finished`));
    link.signal.removeEventListener('abort', stopOnCancel);
    link.dispose();
  }
}

function formatDuration(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}
