import type { Agent, AgentMetrics, Severity } from './api-types.js';
import { SEVERITIES } from './api-types.js';

/** What an agent says about the Proxmox guest or node it runs on (panel/README.md "Hosts"). */
export interface ProxmoxPlace {
  cluster: string | null;
  node: string;
  /** `node` for an agent on the Proxmox host itself. */
  kind: 'node' | 'lxc' | 'qemu';
  vmid: number | null;
}

export interface HostNode {
  name: string;
  /** The agent on the Proxmox node itself, when there is one. */
  host: Agent | null;
  guests: Agent[];
}

export interface HostCluster {
  /** null: nodes that belong to no cluster (a single Proxmox host). */
  name: string | null;
  nodes: HostNode[];
}

export type HostLayout =
  { kind: 'flat'; hosts: Agent[] } | { kind: 'tree'; clusters: HostCluster[]; others: Agent[] };

/**
 * Reads `metadata.proxmox` ({cluster?, node, kind: node|lxc|qemu, vmid?}): written by the
 * Proxmox integration when it matches an agent to a guest. Anything else is "no Proxmox data".
 */
export function proxmoxPlace(agent: Agent): ProxmoxPlace | null {
  const raw = agent.metadata?.proxmox;
  if (!raw || typeof raw !== 'object') return null;
  const p = raw as Record<string, unknown>;
  if (typeof p.node !== 'string' || p.node === '') return null;
  const kind = p.kind === 'node' || p.kind === 'lxc' || p.kind === 'qemu' ? p.kind : null;
  if (!kind) return null;
  return {
    cluster: typeof p.cluster === 'string' && p.cluster !== '' ? p.cluster : null,
    node: p.node,
    kind,
    vmid: typeof p.vmid === 'number' && Number.isInteger(p.vmid) ? p.vmid : null,
  };
}

const byName = (a: Agent, b: Agent) => a.hostname.localeCompare(b.hostname);

/**
 * Cluster → node → guests when any agent carries Proxmox data; the plain list otherwise, or
 * when `flat` (the Proxmox plugin's own tree is already on the page).
 */
export function layoutHosts(agents: readonly Agent[], flat = false): HostLayout {
  const placed = agents.map((a) => [a, proxmoxPlace(a)] as const);
  if (flat || !placed.some(([, p]) => p)) return { kind: 'flat', hosts: [...agents].sort(byName) };
  const clusters = new Map<string | null, Map<string, HostNode>>();
  const others: Agent[] = [];
  for (const [agent, place] of placed) {
    if (!place) {
      others.push(agent);
      continue;
    }
    let nodes = clusters.get(place.cluster);
    if (!nodes) clusters.set(place.cluster, (nodes = new Map()));
    let node = nodes.get(place.node);
    if (!node) nodes.set(place.node, (node = { name: place.node, host: null, guests: [] }));
    if (place.kind === 'node' && !node.host) node.host = agent;
    else node.guests.push(agent);
  }
  const vmid = (a: Agent) => proxmoxPlace(a)?.vmid ?? Number.MAX_SAFE_INTEGER;
  return {
    kind: 'tree',
    clusters: [...clusters.entries()]
      .sort(([a], [b]) => (a === null ? 1 : b === null ? -1 : a.localeCompare(b)))
      .map(([name, nodes]) => ({
        name,
        nodes: [...nodes.values()]
          .sort((a, b) => a.name.localeCompare(b.name))
          .map((n) => ({ ...n, guests: n.guests.sort((a, b) => vmid(a) - vmid(b) || byName(a, b)) })),
      })),
    others: others.sort(byName),
  };
}

export interface HostFilter {
  q?: string;
  status?: 'online' | 'offline' | 'revoked';
}

/** Search matches hostname, OS, agent version and labels, case-insensitively. */
export function filterHosts(agents: readonly Agent[], f: HostFilter): Agent[] {
  const q = f.q?.trim().toLowerCase() ?? '';
  return agents.filter((a) => {
    if (f.status === 'online' && !(a.online && a.status === 'active')) return false;
    if (f.status === 'offline' && (a.online || a.status !== 'active')) return false;
    if (f.status === 'revoked' && a.status !== 'revoked') return false;
    if (!q) return true;
    return [a.hostname, a.os ?? '', a.agentVersion ?? '', ...(a.labels ?? [])].some((s) =>
      s.toLowerCase().includes(q),
    );
  });
}

/** Pending counts per severity; `total` from the API or summed. */
export function pendingOf(agent: Agent): { bySeverity: Array<[Severity, number]>; total: number } {
  const p = agent.pending ?? {};
  const bySeverity = SEVERITIES.map((s) => [s, p[s] ?? 0] as [Severity, number]).filter(([, n]) => n > 0);
  return { bySeverity, total: p.total ?? bySeverity.reduce((sum, [, n]) => sum + n, 0) };
}

/** The package managers an agent reported in `hello` (its capabilities), for "scan now". */
export function packageManagersOf(agent: Agent): string[] {
  const caps = (agent as Agent & { capabilities?: unknown }).capabilities;
  if (!Array.isArray(caps)) return [];
  return caps
    .filter(
      (c): c is { name: string; kind?: string } => !!c && typeof (c as { name?: unknown }).name === 'string',
    )
    .filter((c) => c.kind === undefined || c.kind === 'package-manager')
    .map((c) => c.name);
}

/** The latest metrics sample, from `metrics` or `metadata.metrics`, when the API carries one. */
export function metricsOf(agent: Agent): AgentMetrics | null {
  const m = (agent.metrics ?? agent.metadata?.metrics) as AgentMetrics | undefined;
  return m && typeof m === 'object' ? m : null;
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 10 || i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

export function formatDuration(seconds: number): string {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return d > 0 ? `${d}d ${h}h` : h > 0 ? `${h}h ${m}m` : `${m}m`;
}
