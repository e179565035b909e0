import type { AgentSort, PendingCounts } from '../../db/index.js';
import { OUTSTANDING_STATUSES, SEVERITIES } from '../../db/index.js';

/** Labels are matched by policies and shown as chips: short words, no spaces. */
export const LABEL_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._:/-]*$';

const AGENT_SORTS = [
  'hostname',
  'lastSeen',
  'registered',
  'pending',
  'critical',
] as const satisfies readonly AgentSort[];

export const agentSchema = {
  type: 'object',
  required: ['id', 'hostname', 'status', 'online'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    hostname: { type: 'string' },
    os: { type: 'string' },
    arch: { type: 'string' },
    agentVersion: { type: 'string' },
    labels: { type: 'array', items: { type: 'string' } },
    status: { type: 'string', enum: ['active', 'revoked'] },
    online: { type: 'boolean' },
    rebootRequired: { type: 'boolean' },
    registeredAt: { type: 'string', format: 'date-time' },
    lastSeenAt: { type: ['string', 'null'], format: 'date-time' },
    revokedAt: { type: ['string', 'null'], format: 'date-time' },
    rebindAllowedUntil: { type: ['string', 'null'], format: 'date-time' },
    identityConflict: {
      type: ['object', 'null'],
      description:
        'Set when the agent is refused at connect for a copied identity (issue 21 §5): its hello came from ' +
        'another machine, or two connections kept taking over its session. Lifted by a rebind.',
      required: ['kind', 'detectedAt', 'addresses'],
      properties: {
        kind: { type: 'string', enum: ['machine_id_mismatch', 'session_takeover'] },
        detectedAt: { type: 'string', format: 'date-time' },
        addresses: { type: 'array', items: { type: 'string' } },
        registeredMachine: { type: 'string', description: 'First characters of the bound machine-id hash' },
        presentedMachine: { type: 'string', description: "First characters of the hello's machine-id hash" },
        takeovers: { type: 'integer' },
      },
    },
    rebindNextHello: {
      type: 'boolean',
      description: 'After a rebind without a named machine: the next hello binds the agent to its machine',
    },
    macAddresses: { type: 'array', items: { type: 'string' } },
    capabilities: { type: 'array' },
    metadata: { type: 'object', additionalProperties: true },
  },
} as const;

export interface AgentListQuery {
  online?: boolean;
  status?: 'active' | 'revoked';
  label?: string;
  q?: string;
  sort: AgentSort;
  order?: 'asc' | 'desc';
  limit: number;
  offset: number;
}

export const agentListQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    online: { type: 'boolean' },
    status: { type: 'string', enum: ['active', 'revoked'] },
    label: { type: 'string', maxLength: 64 },
    q: { type: 'string', maxLength: 200 },
    sort: { type: 'string', enum: [...AGENT_SORTS], default: 'hostname' },
    order: { type: 'string', enum: ['asc', 'desc'] },
    limit: { type: 'integer', minimum: 1, maximum: 5000, default: 500 },
    offset: { type: 'integer', minimum: 0, default: 0 },
  },
} as const;

export const pendingCountsSchema = {
  type: 'object',
  description:
    'Updates still to install (pending, approved, checking, waiting for confirmation, installing, failed)',
  required: [...SEVERITIES, 'total', 'security'],
  properties: Object.fromEntries([...SEVERITIES, 'total', 'security'].map((k) => [k, { type: 'integer' }])),
} as const;

export const agentListItemSchema = {
  ...agentSchema,
  required: [...agentSchema.required, 'pending'],
  properties: { ...agentSchema.properties, pending: pendingCountsSchema },
} as const;

export const agentDetailSchema = {
  ...agentSchema,
  required: [...agentSchema.required, 'pending', 'plugins', 'metrics'],
  properties: {
    ...agentSchema.properties,
    pending: pendingCountsSchema,
    plugins: {
      type: 'object',
      description: 'Per plugin: pending counts by severity, and every package state by status',
      additionalProperties: {
        type: 'object',
        required: ['pending', 'byStatus'],
        properties: {
          pending: pendingCountsSchema,
          byStatus: { type: 'object', additionalProperties: { type: 'integer' } },
        },
      },
    },
    metrics: {
      type: ['object', 'null'],
      description: 'The latest `metrics` message of the agent, or null before the first',
      properties: {
        uptimeSec: { type: 'number' },
        load: { type: 'array', items: { type: 'number' } },
        memory: {
          type: 'object',
          properties: { totalBytes: { type: 'integer' }, availableBytes: { type: 'integer' } },
        },
        disks: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              mount: { type: 'string' },
              totalBytes: { type: 'integer' },
              freeBytes: { type: 'integer' },
            },
          },
        },
        reportedAt: { type: 'string', format: 'date-time' },
        receivedAt: { type: 'string', format: 'date-time' },
      },
    },
  },
} as const;

const OUTSTANDING = new Set<string>(OUTSTANDING_STATUSES);

const emptyPending = (): PendingCounts => ({
  critical: 0,
  high: 0,
  medium: 0,
  low: 0,
  unknown: 0,
  total: 0,
  security: 0,
});

export function perPlugin(
  counts: Array<{ plugin: string; status: string; severity: string; security: boolean; n: number }>,
): Record<string, { pending: PendingCounts; byStatus: Record<string, number> }> {
  const out: Record<string, { pending: PendingCounts; byStatus: Record<string, number> }> = {};
  for (const c of counts) {
    const entry = (out[c.plugin] ??= { pending: emptyPending(), byStatus: {} });
    entry.byStatus[c.status] = (entry.byStatus[c.status] ?? 0) + c.n;
    if (!OUTSTANDING.has(c.status)) continue;
    entry.pending[c.severity as keyof PendingCounts] += c.n;
    entry.pending.total += c.n;
    if (c.security) entry.pending.security += c.n;
  }
  return out;
}

export function sumPending(list: PendingCounts[]): PendingCounts {
  const sum = emptyPending();
  for (const p of list) for (const k of Object.keys(sum) as Array<keyof PendingCounts>) sum[k] += p[k];
  return sum;
}
