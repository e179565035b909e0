import type { PackageStatusData } from '../../../broker/protocol/live-events.js';
import type { PackageUpdate } from './api-types.js';
import type { LiveEvent } from './live-client.js';
import { statusesOf, type UpdateView, viewMayInclude } from './update-view.js';

/** What one live event does to the rows shown. */
export interface LiveChange {
  /** The rows with what the event says already applied (the same array when nothing changed). */
  rows: readonly PackageUpdate[];
  /** The page must be read again: rows may have entered or left it, or the event did not name them all. */
  reload: boolean;
  /** The number of matching packages may have changed. */
  recount: boolean;
}

const NOTHING = (rows: readonly PackageUpdate[]): LiveChange => ({ rows, reload: false, recount: false });

/**
 * Decides, per event, between patching rows in place (no request), reading the page again and
 * counting again (docs/api.md "Live stream" lists the kinds). A `package.status` names at most
 * 50 packages and says how many moved: when every one that moved is on screen and still
 * matches the filter, the patch is exact and nothing is fetched.
 */
export function applyLiveEvent(
  view: UpdateView,
  rows: readonly PackageUpdate[],
  event: LiveEvent,
): LiveChange {
  switch (event.kind) {
    case 'package.status':
      return packageStatus(view, rows, event.agentId, event.ts, event.data);
    case 'scan.ingested': {
      const d = event.data;
      if (!viewMayInclude(view, { agentId: event.agentId, plugin: d.plugin })) return NOTHING(rows);
      const changed = d.discovered + d.changed + d.resolved > 0;
      return { rows, reload: changed, recount: changed };
    }
    case 'packages.changed':
      return { rows, reload: true, recount: true };
    default:
      return NOTHING(rows);
  }
}

function packageStatus(
  view: UpdateView,
  rows: readonly PackageUpdate[],
  agentId: string | null,
  ts: string,
  d: PackageStatusData,
): LiveChange {
  if (!agentId || !d?.plugin || !viewMayInclude(view, { agentId, plugin: d.plugin })) return NOTHING(rows);
  const named = new Set((d.packages ?? []).map((p) => `${p.name}\u0000${p.arch ?? ''}`));
  const everyoneNamed = d.count <= named.size;
  let shown = 0;
  let onThisHost = false;
  const patched = rows.map((r) => {
    if (r.agentId !== agentId || r.plugin !== d.plugin) return r;
    onThisHost = true;
    if (!named.has(`${r.name}\u0000${r.arch}`)) return r;
    shown++;
    return r.status === d.status ? r : { ...r, status: d.status, statusChangedAt: ts };
  });
  const next = shown ? patched : rows;
  const statuses = statusesOf(view);
  if (!everyoneNamed)
    // Some movers are not named: rows of that host and plugin on screen may be among them.
    return { rows: next, reload: onThisHost || statuses !== null, recount: statuses !== null };
  if (statuses === null) return { rows: next, reload: false, recount: false }; // status filters nothing
  const stillMatches = statuses.includes(d.status);
  // Moving into the filter: rows not on screen may enter. Out of it: rows shown must leave.
  const membership = stillMatches ? shown < d.count : shown > 0 || d.count > 0;
  return { rows: next, reload: stillMatches ? shown < d.count : shown > 0, recount: membership };
}
