import { createHash } from 'node:crypto';
import type { FleetAgent } from '../sdk/index.js';
import type { DiscoveryContext } from './discovery.js';

/** Where plugins/proxmox placed an agent (its sync.ts writes `metadata.proxmox`). */
export interface ProxmoxPlacement {
  /** The cluster's name, or the endpoint's for a node outside a cluster. */
  group: string;
  node: string;
  kind: string;
}

/** A Proxmox node with RedFlag hosts on it but no agent of its own: a device of its own. */
export interface NodeDevice {
  key: string;
  node: string;
  group: string;
}

/** What the hosts' devices point at: `via_device` per agent, and the node devices to publish. */
export interface ProxmoxParents {
  via: Map<string, string>;
  nodes: Map<string, NodeDevice>;
}

/** Registry rows of node devices (host-registry.ts) carry this before the node's key. */
export const NODE_ROW = 'node:';

/** `metadata.proxmox` is another plugin's data: read defensively, null when it does not fit. */
export function placementOf(agent: FleetAgent): ProxmoxPlacement | null {
  const raw = agent.metadata?.proxmox;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const { node, kind, cluster, endpoint } = raw as Record<string, unknown>;
  if (typeof node !== 'string' || node === '' || typeof kind !== 'string') return null;
  const group =
    typeof cluster === 'string' && cluster ? cluster : typeof endpoint === 'string' ? endpoint : '';
  return { group, node, kind };
}

/** A node device's key: its name made topic-safe, and a hash of cluster and name to keep two apart. */
export function nodeKey(group: string, node: string): string {
  const clean = node.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 40) || 'node';
  return `${clean}_${createHash('sha256').update(`${group}\n${node}`).digest('hex').slice(0, 8)}`;
}

export const nodeIdentifier = (key: string) => `redflag_pve_${key}`;

/**
 * The parent device of every guest RedFlag knows the node of: the node's own agent's device
 * when the node runs an agent, otherwise a node device of its own. HA links a device to its
 * `via_device` only when that device already exists (device_registry.async_get_or_create logs
 * and drops an unknown one), so the parents must be published first.
 */
export function proxmoxParents(agents: readonly FleetAgent[]): ProxmoxParents {
  const where = (p: ProxmoxPlacement) => `${p.group}\n${p.node}`;
  const nodeAgents = new Map<string, string>();
  for (const agent of agents) {
    const placement = placementOf(agent);
    if (placement?.kind === 'node') nodeAgents.set(where(placement), agent.id);
  }
  const via = new Map<string, string>();
  const nodes = new Map<string, NodeDevice>();
  for (const agent of agents) {
    const placement = placementOf(agent);
    if (!placement || placement.kind === 'node') continue;
    const nodeAgent = nodeAgents.get(where(placement));
    if (nodeAgent) {
      via.set(agent.id, `redflag_${nodeAgent}`);
      continue;
    }
    const key = nodeKey(placement.group, placement.node);
    nodes.set(key, { key, node: placement.node, group: placement.group });
    via.set(agent.id, nodeIdentifier(key));
  }
  return { via, nodes };
}

/**
 * A node device's discovery: device-based discovery needs at least one component, and HA
 * creates a device only for an entity, so it carries one diagnostic sensor, the cluster.
 */
export function nodeDiscovery(node: NodeDevice, ctx: DiscoveryContext): Record<string, unknown> {
  const id = nodeIdentifier(node.key);
  return {
    dev: {
      identifiers: [id],
      name: node.node,
      manufacturer: 'Proxmox Server Solutions',
      model: 'Proxmox VE node',
    },
    o: ctx.origin,
    cmps: {
      cluster: {
        p: 'sensor',
        unique_id: `${id}_cluster`,
        name: 'Cluster',
        state_topic: ctx.topics.nodeState(node.key),
        entity_category: 'diagnostic',
        availability: [{ topic: ctx.topics.coreStatus }],
      },
    },
  };
}

/** The node sensor's state: the cluster (or endpoint) the node belongs to. */
export const nodeState = (node: NodeDevice) => node.group || node.node;
