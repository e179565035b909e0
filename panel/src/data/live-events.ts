import type { LiveMessage } from './live-client.js';

/** One bus event of GET /api/v1/live (`{type: 'event', id, ts, kind, agentId, data}`). */
export interface LiveEvent {
  kind: string;
  agentId: string | null;
  data: Record<string, unknown>;
}

/** The bus event in a live message, or null for control messages (hello, heartbeat, …). */
export function liveEvent(message: LiveMessage): LiveEvent | null {
  if (message.type !== 'event' || typeof message.kind !== 'string') return null;
  const data =
    message.data && typeof message.data === 'object' ? (message.data as Record<string, unknown>) : {};
  return { kind: message.kind, agentId: typeof message.agentId === 'string' ? message.agentId : null, data };
}

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
