import type { FleetContainer, FleetPendingCounts, JsonSchema } from '../sdk/index.js';
import { groupByAgent } from '../sdk/index.js';
import type {
  ProxmoxTreeCluster as TreeCluster,
  ProxmoxTreeGuest as TreeGuest,
} from '../../broker/protocol/api-types.js';
import type { EndpointRow, GuestRow, NodeRow } from './inventory.js';
import { containerEntry, containerListSchema } from './tree-containers.js';

const SEVERITY_KEYS = ['critical', 'high', 'medium', 'low', 'unknown', 'total', 'security'] as const;

const zero = (): FleetPendingCounts => ({
  critical: 0,
  high: 0,
  medium: 0,
  low: 0,
  unknown: 0,
  total: 0,
  security: 0,
});

function add(into: FleetPendingCounts, counts: FleetPendingCounts | undefined): void {
  if (counts) for (const key of SEVERITY_KEYS) into[key] += counts[key] ?? 0;
}

/**
 * One guest of the tree with the fourth level, guest → containers (issue 23 §4): the
 * containers of its agent's host. `own` already counts their docker updates (package states of
 * the agent), so their `pending` is shown beside it, never added to it.
 */
function guestEntry(g: GuestRow, own: FleetPendingCounts, containers: FleetContainer[]): TreeGuest {
  return {
    vmid: g.vmid,
    type: g.type,
    name: g.name,
    status: g.status,
    template: g.template,
    tags: g.tags,
    macs: g.macs,
    ips: g.ips,
    agentId: g.agentId,
    matchBasis: g.matchBasis,
    link: g.link,
    gone: g.goneAt !== null,
    pending: { ...own },
    containers: containers.map((c) => containerEntry(c, zero)),
  };
}

/**
 * Endpoint (cluster) → node → guest → containers with pending updates by severity rolled up at
 * each level (issue 23 §4): a node counts its own host's and its guests'. Gone guests are listed
 * only on request (`includeGone`), and never counted. `containers` is the fleet's inventory.
 */
export function buildTree(
  endpoints: EndpointRow[],
  nodes: NodeRow[],
  guests: GuestRow[],
  pending: Record<string, FleetPendingCounts>,
  containers: FleetContainer[],
  includeGone: boolean,
): TreeCluster[] {
  const byAgent = groupByAgent(containers);
  const containersOf = (agentId: string | null) => (agentId ? (byAgent.get(agentId) ?? []) : []);
  return endpoints.map((e) => {
    const clusterPending = zero();
    const treeNodes = nodes
      .filter((n) => n.endpoint === e.endpoint && !n.goneAt)
      .map((n) => {
        const nodePending = zero();
        add(nodePending, n.agentId ? pending[n.agentId] : undefined);
        const treeGuests = guests
          .filter((g) => g.endpoint === e.endpoint && g.node === n.name && (includeGone || !g.goneAt))
          .map((g) => {
            const own = g.agentId && !g.goneAt ? (pending[g.agentId] ?? zero()) : zero();
            if (!g.goneAt) add(nodePending, own);
            return guestEntry(g, own, g.goneAt ? [] : containersOf(g.agentId));
          });
        add(clusterPending, nodePending);
        return {
          name: n.name,
          status: n.status,
          agentId: n.agentId,
          matchBasis: n.matchBasis,
          pending: nodePending,
          containers: containersOf(n.agentId).map((c) => containerEntry(c, zero)),
          guests: treeGuests,
        };
      });
    return {
      endpoint: e.endpoint,
      name: e.cluster,
      lastSyncAt: e.lastSyncAt,
      lastError: e.lastError,
      pending: clusterPending,
      nodes: treeNodes,
    };
  });
}

const pendingSchema: JsonSchema = {
  type: 'object',
  required: [...SEVERITY_KEYS],
  properties: Object.fromEntries(SEVERITY_KEYS.map((k) => [k, { type: 'integer' }])),
};
const nullableString = { type: ['string', 'null'] };

export const treeSchema: JsonSchema = {
  type: 'object',
  required: ['clusters'],
  properties: {
    clusters: {
      type: 'array',
      items: {
        type: 'object',
        required: ['endpoint', 'name', 'pending', 'nodes'],
        properties: {
          endpoint: { type: 'string' },
          name: nullableString,
          lastSyncAt: nullableString,
          lastError: nullableString,
          pending: pendingSchema,
          nodes: {
            type: 'array',
            items: {
              type: 'object',
              required: ['name', 'pending', 'guests'],
              properties: {
                name: { type: 'string' },
                status: { type: 'string' },
                agentId: nullableString,
                matchBasis: nullableString,
                pending: pendingSchema,
                containers: containerListSchema(pendingSchema),
                guests: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['vmid', 'type', 'name', 'pending'],
                    properties: {
                      vmid: { type: 'integer' },
                      type: { type: 'string' },
                      name: { type: 'string' },
                      status: { type: 'string' },
                      template: { type: 'boolean' },
                      tags: { type: 'array', items: { type: 'string' } },
                      macs: { type: 'array', items: { type: 'string' } },
                      ips: { type: 'array', items: { type: 'string' } },
                      agentId: nullableString,
                      matchBasis: nullableString,
                      link: nullableString,
                      gone: { type: 'boolean' },
                      pending: pendingSchema,
                      containers: containerListSchema(pendingSchema),
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
};
