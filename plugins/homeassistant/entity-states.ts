import type { FleetContainer, FleetPackage } from '../sdk/index.js';
import { BUSY_STATUSES, type HostView, OPEN_STATUSES } from './host-view.js';
import { panelLinks } from './panel-links.js';
import { containerVersions, cut, osVersions, summaryOf } from './versions.js';

/**
 * The update entity's JSON state: only the eight keys HA's MQTT_JSON_UPDATE_SCHEMA accepts,
 * never a null in a string field (one drops the whole message, REFERENCES "update entity").
 */
export interface UpdateState {
  installed_version: string;
  latest_version: string;
  title: string;
  release_summary: string;
  release_url?: string;
  in_progress: boolean;
  update_percentage: number | null;
}

/**
 * Every entity's state payload for one host, keyed by entity path (topics.ts): a pure function
 * of what the fleet says, so the publisher can send only what changed.
 */
export function hostStates(
  view: HostView,
  opts: { panelUrl: string | null; percent: number | null },
): Map<string, string> {
  const url = panelLinks(opts.panelUrl).host(view.agent.id);
  const open = view.packages.filter((p) => OPEN_STATUSES.has(p.status));
  const states = new Map<string, string>();
  states.set('os', JSON.stringify(osState(view, open, url, opts.percent)));
  states.set('pending', String(open.length));
  states.set('security', String(open.filter((p) => p.security).length));
  states.set('online', view.agent.online ? 'ON' : 'OFF');
  states.set('reboot', view.agent.rebootRequired ? 'ON' : 'OFF');
  for (const container of view.containers)
    states.set(
      `containers/${container.key}`,
      JSON.stringify(containerState(container.container, url, opts.percent)),
    );
  return states;
}

function osState(
  view: HostView,
  open: FleetPackage[],
  url: string | undefined,
  percent: number | null,
): UpdateState {
  const { installed, latest } = osVersions(open);
  const waiting = open.some((p) => p.status === 'pending_dependencies');
  const busy = !waiting && open.some((p) => BUSY_STATUSES.has(p.status));
  // A transaction waiting for a person: HA's dialog cannot confirm it, the panel can.
  const prefix = waiting
    ? `Waiting for confirmation in RedFlag${url ? ` (${url})` : ''}. `
    : !busy && open.some((p) => p.status === 'approved')
      ? 'Approved, waiting for the maintenance window. '
      : '';
  return {
    installed_version: installed,
    latest_version: latest,
    title: cut(`${view.agent.hostname} packages`),
    release_summary: summaryOf(open, prefix),
    ...(url ? { release_url: url } : {}),
    in_progress: busy,
    update_percentage: busy ? percent : null,
  };
}

/**
 * A container's entity: its image's docker record says whether an update is open and how far
 * its install is; a container already on the registry's image has nothing to install even
 * while another container of the same image has.
 */
function containerState(
  container: FleetContainer,
  url: string | undefined,
  percent: number | null,
): UpdateState {
  const status = container.update?.status ?? null;
  const open = status !== null && OPEN_STATUSES.has(status) && container.checkStatus !== 'up_to_date';
  const { installed, latest } = containerVersions(container, open);
  const waiting = open && status === 'pending_dependencies';
  const busy = open && !waiting && BUSY_STATUSES.has(status);
  const summary = waiting
    ? `Waiting for confirmation in RedFlag${url ? ` (${url})` : ''}.`
    : open
      ? `New image for ${container.reference}.`
      : container.checkStatus === 'check_failed'
        ? `Could not check ${container.reference}${container.checkReason ? `: ${container.checkReason}` : ''}.`
        : `${container.reference} is up to date.`;
  return {
    installed_version: installed,
    latest_version: latest,
    title: cut(container.name),
    release_summary: cut(summary),
    ...(url ? { release_url: url } : {}),
    in_progress: busy,
    update_percentage: busy ? percent : null,
  };
}
