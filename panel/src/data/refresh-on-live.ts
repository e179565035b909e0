import type { LiveClient, LiveEvent } from './live-client.js';

/**
 * Reloads a view when live events of some kinds (or that a predicate picks) arrive, coalesced:
 * one reload per burst, at most one every `minMs`; and at once when the stream was reset.
 * Returns the stop function.
 */
export function refreshOnLive(
  live: Pick<LiveClient, 'subscribe' | 'onReset'>,
  kinds: readonly string[] | ((e: LiveEvent) => boolean),
  reload: () => void,
  minMs = 1000,
): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const schedule = () => {
    timer ??= setTimeout(() => {
      timer = null;
      reload();
    }, minMs);
  };
  const offEvents = live.subscribe((e: LiveEvent) => {
    if (typeof kinds === 'function' ? kinds(e) : kinds.includes(e.kind)) schedule();
  });
  const offReset = live.onReset(reload);
  return () => {
    offEvents();
    offReset();
    if (timer) clearTimeout(timer);
  };
}
