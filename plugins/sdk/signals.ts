export interface LinkedSignal {
  signal: AbortSignal;
  /** Removes the listeners from the source signals; call it when the work is done. */
  dispose(): void;
}

/**
 * One signal that aborts when any source aborts. Unlike `AbortSignal.any` the listeners are
 * removed on dispose, so a long-lived source (a plugin's lifetime) does not collect one
 * listener per process it ever ran.
 */
export function linkSignals(...sources: Array<AbortSignal | undefined>): LinkedSignal {
  const controller = new AbortController();
  const present = sources.filter((s): s is AbortSignal => s !== undefined);
  const already = present.find((s) => s.aborted);
  if (already) {
    controller.abort(already.reason);
    return { signal: controller.signal, dispose: () => {} };
  }
  const listeners = present.map((source) => {
    const onAbort = () => controller.abort(source.reason);
    source.addEventListener('abort', onAbort, { once: true });
    return () => source.removeEventListener('abort', onAbort);
  });
  return { signal: controller.signal, dispose: () => listeners.forEach((remove) => remove()) };
}
