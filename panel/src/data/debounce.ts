import { type Clock, realClock } from './clock.js';

export interface Debounced<A extends unknown[]> {
  (...args: A): void;
  /** Runs a waiting call now (Enter in a search box). */
  flush(): void;
  cancel(): void;
}

/** Calls `fn` once typing pauses for `ms`, with the last arguments given. */
export function debounce<A extends unknown[]>(
  fn: (...args: A) => void,
  ms: number,
  clock: Clock = realClock,
): Debounced<A> {
  let handle: unknown = null;
  let waiting: A | null = null;
  const run = () => {
    handle = null;
    const args = waiting;
    waiting = null;
    if (args) fn(...args);
  };
  const call = (...args: A) => {
    waiting = args;
    if (handle !== null) clock.clearTimeout(handle);
    handle = clock.setTimeout(run, ms);
  };
  call.flush = () => {
    if (handle !== null) clock.clearTimeout(handle);
    run();
  };
  call.cancel = () => {
    if (handle !== null) clock.clearTimeout(handle);
    handle = null;
    waiting = null;
  };
  return call;
}
