import type { ContainerCheckStatus, ContainerFilter, HostContainer } from './api-types.js';
import { CONTAINER_CHECK_STATUSES } from './api-types.js';
import { shortDigest } from './docker.js';

export { shortDigest };

export const CHECK_STATUS_LABELS: Record<ContainerCheckStatus, string> = {
  up_to_date: 'up to date',
  update_available: 'update available',
  not_checkable: 'not checkable',
  check_failed: 'check failed',
};

/**
 * What a person can do about a container's image: `update` approves its pending docker record
 * (the normal workflow: dry run, then the install or a confirmation), `review` opens the install
 * dialog of a dry run that waits for a person; otherwise where the update stands, or nothing.
 */
export type ContainerAction =
  { kind: 'update' } | { kind: 'review' } | { kind: 'status'; label: string } | { kind: 'none' };

export function actionOf(c: HostContainer): ContainerAction {
  const u = c.update;
  if (!u) return { kind: 'none' };
  if (u.status === 'pending' || u.status === 'failed') return { kind: 'update' };
  if (u.status === 'pending_dependencies') return { kind: 'review' };
  if (u.status === 'resolved' || u.status === 'updated') return { kind: 'none' };
  return { kind: 'status', label: u.status.replace(/_/g, ' ') };
}

/** `running (healthy)` */
export const stateOf = (c: HostContainer) => (c.health ? `${c.state} (${c.health})` : c.state);

/** The fleet containers page's filter, as its address carries it (`#/containers?agent=…&status=…&q=…`). */
export function containerFilterOf(query: URLSearchParams): ContainerFilter {
  const statuses = (query.get('status') ?? '')
    .split(',')
    .filter((s): s is ContainerCheckStatus => (CONTAINER_CHECK_STATUSES as readonly string[]).includes(s));
  const agents = (query.get('agent') ?? '').split(',').filter(Boolean);
  const q = query.get('q') ?? '';
  return {
    ...(agents.length ? { agent: agents } : {}),
    ...(statuses.length ? { status: statuses } : {}),
    ...(q ? { q } : {}),
  };
}

/** The filter back into the address. */
export function containerQueryOf(f: ContainerFilter): Record<string, string | undefined> {
  const join = (v: string | readonly string[] | undefined) =>
    v === undefined ? undefined : typeof v === 'string' ? v : v.join(',') || undefined;
  return { agent: join(f.agent), status: join(f.status), q: f.q || undefined };
}
