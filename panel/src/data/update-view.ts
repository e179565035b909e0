import {
  OUTSTANDING_PACKAGE_STATUSES,
  PACKAGE_STATUSES,
  type PackageStatus,
  SEVERITIES,
  type Severity,
  type SortOrder,
  type UpdateFilter,
  type UpdateSort,
} from './api-types.js';

/**
 * What the updates page shows, as the address says it (`#/updates?severity=critical&sort=name`):
 * a link or a reload restores it. Only what differs from the defaults is written.
 */
export interface UpdateView {
  agent: string[];
  plugin: string[];
  severity: Severity[];
  /** `open` (the default): what still needs doing; `any`: every state, closed ones too. */
  status: PackageStatus[] | 'open' | 'any';
  security: boolean | null;
  label: string;
  q: string;
  sort: UpdateSort;
  order: SortOrder;
  limit: number;
}

/** The states that still need doing (docs/api.md "Updates": the panel's "pending" view). */
export const OPEN_STATUSES: readonly PackageStatus[] = OUTSTANDING_PACKAGE_STATUSES;

export const SORTS: readonly UpdateSort[] = ['severity', 'name', 'host', 'firstSeen'];
export const PAGE_SIZES: readonly number[] = [50, 100, 200, 500, 1000];
const DEFAULT_LIMIT = 100;

/** The API's default order per sort: most severe first, newest first, names and hosts A to Z. */
export function defaultOrder(sort: UpdateSort): SortOrder {
  return sort === 'severity' || sort === 'firstSeen' ? 'desc' : 'asc';
}

export const DEFAULT_VIEW: UpdateView = {
  agent: [],
  plugin: [],
  severity: [],
  status: 'open',
  security: null,
  label: '',
  q: '',
  sort: 'severity',
  order: 'desc',
  limit: DEFAULT_LIMIT,
};

const values = (q: URLSearchParams, key: string) =>
  q
    .getAll(key)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);

const oneOf = <T extends string>(allowed: readonly T[], v: string): v is T =>
  (allowed as readonly string[]).includes(v);

/** Reads the address; values it does not know are dropped, not passed to the API to refuse. */
export function viewFromQuery(q: URLSearchParams): UpdateView {
  const statuses = values(q, 'status');
  const sortParam = q.get('sort') ?? '';
  const sort = oneOf(SORTS, sortParam) ? sortParam : DEFAULT_VIEW.sort;
  const orderParam = q.get('order');
  const limit = Number(q.get('limit'));
  return {
    agent: values(q, 'agent'),
    plugin: values(q, 'plugin'),
    severity: values(q, 'severity').filter((v): v is Severity => oneOf(SEVERITIES, v)),
    status:
      statuses.length === 1 && (statuses[0] === 'any' || statuses[0] === 'open')
        ? (statuses[0] as 'any' | 'open')
        : statuses.some((v) => oneOf(PACKAGE_STATUSES, v))
          ? statuses.filter((v): v is PackageStatus => oneOf(PACKAGE_STATUSES, v))
          : 'open',
    security: q.get('security') === 'true' ? true : q.get('security') === 'false' ? false : null,
    label: q.get('label')?.trim() ?? '',
    q: q.get('q') ?? '',
    sort,
    order: orderParam === 'asc' || orderParam === 'desc' ? orderParam : defaultOrder(sort),
    limit: PAGE_SIZES.includes(limit) ? limit : DEFAULT_LIMIT,
  };
}

/** The address for a view: defaults left out, so `#/updates` is the default view. */
export function queryFromView(view: UpdateView): URLSearchParams {
  const q = new URLSearchParams();
  if (view.agent.length) q.set('agent', view.agent.join(','));
  if (view.plugin.length) q.set('plugin', view.plugin.join(','));
  if (view.severity.length) q.set('severity', view.severity.join(','));
  if (view.status !== 'open')
    q.set('status', Array.isArray(view.status) ? view.status.join(',') : view.status);
  if (view.security !== null) q.set('security', String(view.security));
  if (view.label) q.set('label', view.label);
  if (view.q) q.set('q', view.q);
  if (view.sort !== DEFAULT_VIEW.sort) q.set('sort', view.sort);
  if (view.order !== defaultOrder(view.sort)) q.set('order', view.order);
  if (view.limit !== DEFAULT_LIMIT) q.set('limit', String(view.limit));
  return q;
}

/** The statuses a view asks for; null for every state. */
export function statusesOf(view: UpdateView): readonly PackageStatus[] | null {
  if (view.status === 'any') return null;
  return view.status === 'open' ? OPEN_STATUSES : view.status;
}

/** The API filter of a view (GET /api/v1/updates, /count, and bulk actions by filter). */
export function filterOf(view: UpdateView): UpdateFilter {
  const statuses = statusesOf(view);
  const q = view.q.trim();
  return {
    ...(view.agent.length ? { agent: view.agent } : {}),
    ...(view.plugin.length ? { plugin: view.plugin } : {}),
    ...(view.severity.length ? { severity: view.severity } : {}),
    ...(statuses ? { status: statuses } : {}),
    ...(view.security !== null ? { security: view.security } : {}),
    ...(view.label ? { label: view.label } : {}),
    ...(q ? { q } : {}),
  };
}

/** Equal for two views that select the same rows (sort and page size aside). */
export function filterKey(view: UpdateView): string {
  return JSON.stringify(filterOf(view));
}

/** Clicking a column header: a new column starts in its natural order, the same one flips. */
export function toggleSort(view: UpdateView, sort: UpdateSort): UpdateView {
  if (view.sort !== sort) return { ...view, sort, order: defaultOrder(sort) };
  return { ...view, order: view.order === 'asc' ? 'desc' : 'asc' };
}

/**
 * The header's aria-sort. Severity "desc" lists critical first, which reads top to bottom as
 * descending severity; the others are plain ascending/descending.
 */
export function ariaSort(view: UpdateView, sort: UpdateSort): 'ascending' | 'descending' | 'none' {
  if (view.sort !== sort) return 'none';
  return view.order === 'asc' ? 'ascending' : 'descending';
}

/** True when a package in `status` on `agentId`/`plugin` belongs in the view, as far as those go. */
export function viewMayInclude(
  view: UpdateView,
  e: { agentId?: string | null; plugin?: string; status?: string },
): boolean {
  if (view.agent.length && e.agentId && !view.agent.includes(e.agentId)) return false;
  if (view.plugin.length && e.plugin && !view.plugin.includes(e.plugin)) return false;
  const statuses = statusesOf(view);
  if (statuses && e.status && !statuses.includes(e.status as PackageStatus)) return false;
  return true;
}

/** How a status reads in the table and the filter. */
export const STATUS_LABELS: Record<PackageStatus, string> = {
  pending: 'pending',
  approved: 'approved',
  checking_dependencies: 'checking dependencies',
  pending_dependencies: 'waiting for confirmation',
  installing: 'installing',
  updated: 'updated',
  failed: 'failed',
  ignored: 'ignored',
  held: 'held',
  resolved: 'resolved',
};

/** Package managers offered in the filter before any host reported its own. */
export const KNOWN_PLUGINS: readonly string[] = [
  'apt',
  'dnf',
  'pacman',
  'flatpak',
  'snap',
  'packagekit',
  'docker',
  'winget',
  'windows-update',
];
