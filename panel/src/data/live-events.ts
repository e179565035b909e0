/** Kinds after which the hosts list reloads (a metrics sample changes nothing it shows). */
export const HOST_KINDS = new Set([
  'agent.online',
  'agent.offline',
  'scan.ingested',
  'package.status',
  'packages.changed',
  'command.status',
]);

/** Kinds after which the dashboard reads the stats and the latest events again. */
export const DASHBOARD_KINDS = [...HOST_KINDS, 'system.event'];

/**
 * Kinds about one host after which its page reads it again. Commands and their output are not
 * among them: the page's command list follows those itself, line by line.
 */
export const HOST_PAGE_KINDS = new Set([
  'agent.online',
  'agent.offline',
  'agent.metrics',
  'scan.ingested',
  'package.status',
  'system.event',
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
