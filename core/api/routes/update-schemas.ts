import {
  PACKAGE_SEVERITIES as SEVERITY_VALUES,
  PACKAGE_STATUSES as STATUSES,
} from '../../../broker/protocol/index.js';
import type { PackageStatus, SortOrder, UpdateFilter, UpdateSort } from '../../db/index.js';
import { oneFieldAnswer } from '../schemas.js';
const SORTS = ['severity', 'name', 'host', 'firstSeen'] as const satisfies readonly UpdateSort[];

/** Query keys that take one value or several (repeated, or comma-separated). */
export const MULTI_KEYS = ['agent', 'plugin', 'severity', 'status'] as const;

/** The filter of the list, shared by the list's query string and the bulk actions' body. */
const filterProperties = {
  agent: { type: 'array', maxItems: 500, items: { type: 'string', format: 'uuid' } },
  plugin: { type: 'array', maxItems: 50, items: { type: 'string', minLength: 1, maxLength: 64 } },
  severity: { type: 'array', maxItems: 5, items: { type: 'string', enum: [...SEVERITY_VALUES] } },
  status: { type: 'array', maxItems: 10, items: { type: 'string', enum: [...STATUSES] } },
  security: { type: 'boolean' },
  label: { type: 'string', minLength: 1, maxLength: 64 },
  q: { type: 'string', minLength: 1, maxLength: 200 },
} as const;

export interface FilterQuery {
  agent?: string[];
  plugin?: string[];
  severity?: string[];
  status?: PackageStatus[];
  security?: boolean;
  label?: string;
  q?: string;
}

export interface UpdateListQuery extends FilterQuery {
  sort: UpdateSort;
  order?: SortOrder;
  limit: number;
  cursor?: string;
}

export const updateListQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...filterProperties,
    sort: { type: 'string', enum: [...SORTS], default: 'severity' },
    order: { type: 'string', enum: ['asc', 'desc'] },
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 200 },
    cursor: { type: 'string', maxLength: 2000 },
  },
} as const;

/** GET /api/v1/updates/count: the list's filter alone (no sort, no page). */
export const updateCountQuery = {
  type: 'object',
  additionalProperties: false,
  properties: filterProperties,
} as const;

/** Which transaction: the one waiting on one host for one package manager. */
const waitingTransaction = {
  agentId: { type: 'string', format: 'uuid' },
  plugin: { type: 'string', minLength: 1, maxLength: 64 },
} as const;

/** POST /api/v1/updates/reject: the transaction waiting on one host for one package manager. */
export const rejectBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['agentId', 'plugin'],
  properties: waitingTransaction,
} as const;

export const confirmBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['agentId', 'plugin'],
  properties: {
    ...waitingTransaction,
    dryRunCommandId: {
      type: 'string',
      format: 'uuid',
      description:
        'The dry run whose transaction was reviewed (the detail’s dryRunCommandId): a newer one waiting answers 409',
    },
  },
} as const;

export const confirmResponse = oneFieldAnswer(
  'confirmed',
  'integer',
  'How many packages are installing with the transaction',
);
export const rejectResponse = oneFieldAnswer('rejected', 'integer', 'How many packages went back to pending');

/** At least one condition: a bulk action over the whole fleet must be asked for by name. */
export const filterBodySchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: filterProperties,
} as const;

export function filterOf(q: FilterQuery): UpdateFilter {
  return {
    agentIds: q.agent,
    plugins: q.plugin,
    severities: q.severity,
    statuses: q.status,
    security: q.security,
    label: q.label,
    q: q.q,
  };
}

/** `severity=critical,high` means the same as `severity=critical&severity=high`. */
export function splitCommaValues(query: Record<string, unknown>): void {
  for (const key of MULTI_KEYS) {
    const value = query[key];
    const list = Array.isArray(value) ? value : typeof value === 'string' ? [value] : null;
    if (list) query[key] = list.flatMap((v) => (typeof v === 'string' ? v.split(',').filter(Boolean) : [v]));
  }
}

export const updateItemSchema = {
  type: 'object',
  required: [
    'id',
    'agentId',
    'hostname',
    'plugin',
    'name',
    'arch',
    'currentVersion',
    'availableVersion',
    'status',
    'severity',
    'security',
  ],
  properties: {
    id: { type: 'string', description: 'Stable id of this package of this host (use it in URLs)' },
    agentId: { type: 'string' },
    hostname: { type: 'string' },
    plugin: { type: 'string' },
    name: { type: 'string' },
    arch: { type: 'string' },
    currentVersion: { type: ['string', 'null'] },
    availableVersion: { type: ['string', 'null'] },
    severity: { type: 'string', enum: [...SEVERITY_VALUES] },
    security: { type: 'boolean' },
    source: { type: ['string', 'null'] },
    rebootRequired: { type: 'boolean' },
    status: { type: 'string', enum: [...STATUSES] },
    metadata: { type: 'object', additionalProperties: true },
    firstSeenAt: { type: 'string', format: 'date-time' },
    lastSeenAt: { type: 'string', format: 'date-time' },
    statusChangedAt: { type: 'string', format: 'date-time' },
  },
} as const;

const transactionItem = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    arch: { type: 'string' },
    fromVersion: { type: 'string' },
    toVersion: { type: 'string' },
    source: { type: 'string' },
    security: { type: 'boolean' },
  },
} as const;

const transactionSchema = {
  type: 'object',
  properties: {
    upgrades: { type: 'array', items: transactionItem },
    newPackages: { type: 'array', items: transactionItem },
    removals: { type: 'array', items: transactionItem },
    warnings: { type: 'array', items: { type: 'string' } },
  },
} as const;

export const updateDetailSchema = {
  type: 'object',
  required: [
    ...updateItemSchema.required,
    'dryRunCommandId',
    'installCommandId',
    'transaction',
    'history',
    'events',
  ],
  properties: {
    ...updateItemSchema.properties,
    dryRunCommandId: { type: ['string', 'null'] },
    installCommandId: { type: ['string', 'null'] },
    transaction: {
      type: ['object', 'null'],
      description:
        'The dry run transaction while the update waits for confirmation (status pending_dependencies), else null',
      properties: {
        ...transactionSchema.properties,
        extras: {
          type: 'object',
          description: 'What the transaction holds beyond the approved packages',
          properties: {
            upgrades: { type: 'array', items: transactionItem },
            newPackages: { type: 'array', items: transactionItem },
            removals: { type: 'array', items: transactionItem },
          },
        },
      },
    },
    history: {
      type: 'array',
      description: 'Installs of this package on this host, newest first',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          fromVersion: { type: ['string', 'null'] },
          toVersion: { type: ['string', 'null'] },
          commandId: { type: ['string', 'null'] },
          result: { type: 'string', enum: ['succeeded', 'failed'] },
          message: { type: ['string', 'null'] },
          occurredAt: { type: 'string', format: 'date-time' },
          recordedAt: { type: 'string', format: 'date-time' },
        },
      },
    },
    events: {
      type: 'array',
      description: 'update_events of this package on this host, newest first',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          kind: { type: 'string', enum: ['discovered', 'changed', 'resolved', 'installed', 'failed'] },
          fromVersion: { type: ['string', 'null'] },
          toVersion: { type: ['string', 'null'] },
          severity: { type: ['string', 'null'] },
          batchId: { type: ['string', 'null'] },
          occurredAt: { type: 'string', format: 'date-time' },
        },
      },
    },
  },
} as const;

export const refSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['agentId', 'plugin', 'name'],
  properties: {
    agentId: { type: 'string', format: 'uuid' },
    plugin: { type: 'string', minLength: 1, maxLength: 64 },
    name: { type: 'string', minLength: 1, maxLength: 512 },
    arch: { type: 'string', maxLength: 64, default: '' },
  },
} as const;

const refOutSchema = {
  type: 'object',
  properties: { ...refSchema.properties, id: { type: 'string' } },
} as const;

/** `{packages}` (keys), `{ids}` (from the list) or `{filter}` (the list's filter): exactly one. */
export const bulkBodySchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  maxProperties: 1,
  properties: {
    packages: { type: 'array', minItems: 1, maxItems: 5000, items: refSchema },
    ids: { type: 'array', minItems: 1, maxItems: 10000, items: { type: 'string', pattern: '^[0-9]{1,18}$' } },
    filter: filterBodySchema,
  },
} as const;

export const refusalSchema = {
  type: 'object',
  required: ['ref', 'from', 'why'],
  properties: {
    id: { type: 'string' },
    ref: refOutSchema,
    from: { type: ['string', 'null'] },
    why: { type: 'string' },
  },
} as const;

export const bulkResponse = (...lists: string[]) => ({
  type: 'object',
  required: [...lists, 'refused'],
  properties: {
    ...Object.fromEntries(lists.map((l) => [l, { type: 'array', items: refOutSchema }])),
    refused: { type: 'array', items: refusalSchema },
  },
});
