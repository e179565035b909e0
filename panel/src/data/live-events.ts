/** Kinds after which a page about hosts reloads what it shows. */
export const HOST_KINDS = new Set([
  'agent.online',
  'agent.offline',
  'scan.ingested',
  'package.status',
  'packages.changed',
  'command.status',
  'agent.metrics',
]);

/**
 * Calls `reload` at most once per animation-free tick burst: a scan of 500 packages sends many
 * events, the page reloads once. `schedule` is injected so tests need no timers.
 */
export function coalesce(reload: () => void, schedule: (fn: () => void) => void): () => void {
  let queued = false;
  return () => {
    if (queued) return;
    queued = true;
    schedule(() => {
      queued = false;
      reload();
    });
  };
}
