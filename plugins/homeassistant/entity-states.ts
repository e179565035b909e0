import type { FleetPackage } from '../sdk/index.js';
import { BUSY_STATUSES, type HostView, OPEN_STATUSES } from './host-view.js';
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
 * Where HA's users see a host in the panel, when the panel's address is known. The panel routes
 * by hash (`#/hosts/<id>`); a plain path would be the core's 404.
 */
export function hostUrl(panelUrl: string | null, agentId: string): string | undefined {
  return panelUrl ? `${panelUrl.replace(/\/+$/, '')}/#/hosts/${agentId}` : undefined;
}

/**
 * Every entity's state payload for one host, keyed by entity path (topics.ts): a pure function
 * of what the fleet says, so the publisher can send only what changed.
 */
export function hostStates(
  view: HostView,
  opts: { panelUrl: string | null; percent: number | null },
): Map<string, string> {
  const url = hostUrl(opts.panelUrl, view.agent.id);
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
      JSON.stringify(containerState(container.record, url, opts.percent)),
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

function containerState(record: FleetPackage, url: string | undefined, percent: number | null): UpdateState {
  const open = OPEN_STATUSES.has(record.status);
  const { installed, latest } = containerVersions(record, open);
  const waiting = record.status === 'pending_dependencies';
  const busy = !waiting && BUSY_STATUSES.has(record.status);
  const image = typeof record.metadata.image === 'string' ? record.metadata.image : record.name;
  return {
    installed_version: installed,
    latest_version: latest,
    title: cut(record.name),
    release_summary: cut(
      waiting
        ? `Waiting for confirmation in RedFlag${url ? ` (${url})` : ''}.`
        : open
          ? `New image for ${image}.`
          : `${image} is up to date.`,
    ),
    ...(url ? { release_url: url } : {}),
    in_progress: busy,
    update_percentage: busy ? percent : null,
  };
}
