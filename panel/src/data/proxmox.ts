import type { ApiClient } from './api-client.js';
import type {
  PendingCounts,
  ProxmoxActionReport,
  ProxmoxActionRequest,
  ProxmoxEnrollmentRun,
  ProxmoxEnrollmentScope,
  ProxmoxTree,
  ProxmoxTreeCluster,
  ProxmoxTreeNode,
  Severity,
} from './api-types.js';
import { SEVERITIES } from './api-types.js';

const BASE = 'api/v1/plugins/proxmox';

/** The Proxmox plugin's routes (docs/plugins.md "Proxmox"), typed by broker/protocol/api/proxmox.ts. */
export function proxmoxApi(client: ApiClient) {
  return {
    /** Not reported when it fails: a 404 means the plugin is not enabled, which the caller shows. */
    tree: () => client.get<ProxmoxTree>(`${BASE}/tree`, undefined, { report: false }),
    /** One command (or, for `install`, one approval) per matched agent, as one group. */
    act: (request: ProxmoxActionRequest) => client.post<ProxmoxActionReport>(`${BASE}/actions`, request),
    action: (id: string) => client.get<ProxmoxActionReport>(`${BASE}/actions/${encodeURIComponent(id)}`),
    /** Starts an enrollment run (admin); follow it with `enrollment(runId)`. */
    enroll: (scope: ProxmoxEnrollmentScope) => client.post<ProxmoxEnrollmentRun>(`${BASE}/enroll`, scope),
    enrollment: (runId: string) =>
      client.get<ProxmoxEnrollmentRun>(`${BASE}/enroll/${encodeURIComponent(runId)}`),
  };
}

export type ProxmoxApi = ReturnType<typeof proxmoxApi>;

/** A node view's address below the hosts page. */
export const proxmoxNodePath = (endpoint: string, node: string) =>
  `/hosts/proxmox/${encodeURIComponent(endpoint)}/${encodeURIComponent(node)}`;

/** The non-zero severities of a pending count, worst first. */
export function severitiesOf(p: PendingCounts): Array<[Severity, number]> {
  return SEVERITIES.map((s) => [s, p[s] ?? 0] as [Severity, number]).filter(([, n]) => n > 0);
}

export const clusterLabel = (c: ProxmoxTreeCluster) =>
  c.name ? `Cluster ${c.name}` : `Endpoint ${c.endpoint}`;

export function findNode(
  tree: ProxmoxTree,
  endpoint: string,
  node: string,
): { cluster: ProxmoxTreeCluster; node: ProxmoxTreeNode } | null {
  const cluster = tree.clusters.find((c) => c.endpoint === endpoint);
  const found = cluster?.nodes.find((n) => n.name === node);
  return cluster && found ? { cluster, node: found } : null;
}

/** The group actions of a node view (issue 23 §4, §6). */
export const NODE_ACTIONS: ReadonlyArray<{
  label: string;
  request: Pick<ProxmoxActionRequest, 'type' | 'securityOnly' | 'kinds'>;
}> = [
  { label: 'Scan all', request: { type: 'scan' } },
  { label: 'Dry run all', request: { type: 'dry_run' } },
  { label: 'Install approved security updates', request: { type: 'install', securityOnly: true } },
];

/** What a `plugin.progress` event of a group action carries. */
export interface ActionProgressEvent {
  id: string;
  progress: ProxmoxActionReport['progress'] & { type?: string };
}

/** Reads a live event as a Proxmox group's progress, or null. */
export function actionProgressOf(e: { kind: string; data: unknown }): ActionProgressEvent | null {
  if (e.kind !== 'plugin.progress') return null;
  const d = e.data as { plugin?: string; subject?: string; id?: string; progress?: Record<string, unknown> };
  if (d.plugin !== 'proxmox' || d.subject !== 'action' || typeof d.id !== 'string' || !d.progress)
    return null;
  const p = d.progress;
  if (typeof p.total !== 'number' || typeof p.finished !== 'number') return null;
  return {
    id: d.id,
    progress: {
      total: p.total,
      finished: p.finished,
      byStatus: (p.byStatus as Record<string, number>) ?? {},
      done: p.done === true,
      ...(typeof p.type === 'string' ? { type: p.type } : {}),
    },
  };
}

/** `3 of 5 finished: 2 succeeded, 1 failed, 2 running`. */
export function describeProgress(p: ProxmoxActionReport['progress']): string {
  const parts = Object.entries(p.byStatus)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([s, n]) => `${n} ${s.replaceAll('_', ' ')}`);
  return `${p.finished} of ${p.total} finished${parts.length ? `: ${parts.join(', ')}` : ''}`;
}

/**
 * Follows an enrollment run until it is done (an install takes minutes; there is no live event
 * for it): `onUpdate` gets each report. Stops early when `signal` aborts.
 */
export async function followEnrollment(
  api: ProxmoxApi,
  first: ProxmoxEnrollmentRun,
  onUpdate: (run: ProxmoxEnrollmentRun) => void,
  signal: AbortSignal,
  everyMs = 1000,
): Promise<ProxmoxEnrollmentRun> {
  let run = first;
  onUpdate(run);
  while (!run.done && !signal.aborted) {
    await new Promise((r) => setTimeout(r, everyMs));
    if (signal.aborted) break;
    run = await api.enrollment(run.runId);
    onUpdate(run);
  }
  return run;
}

/** A route parameter as written by `proxmoxNodePath` (URLPattern leaves it percent-encoded). */
export function routeParam(value: string | undefined): string {
  try {
    return decodeURIComponent(value ?? '');
  } catch {
    return value ?? '';
  }
}
