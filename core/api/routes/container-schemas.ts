import { CONTAINER_CHECK_STATUSES, PACKAGE_STATUSES } from '../../../broker/protocol/index.js';

/** GET /api/v1/containers: the updates list's filter words (agent, status, q) and its keyset page. */
export interface ContainerListQuery {
  agent?: string[];
  status?: Array<(typeof CONTAINER_CHECK_STATUSES)[number]>;
  q?: string;
  limit: number;
  cursor?: string;
}

export const containerListQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    agent: { type: 'array', maxItems: 500, items: { type: 'string', format: 'uuid' } },
    status: { type: 'array', maxItems: 4, items: { type: 'string', enum: [...CONTAINER_CHECK_STATUSES] } },
    q: { type: 'string', minLength: 1, maxLength: 200 },
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 200 },
    cursor: { type: 'string', maxLength: 2000 },
  },
} as const;

const nullableText = { type: ['string', 'null'] } as const;

/** One container of one host (broker/protocol/api/containers.ts `HostContainer`). */
export const containerItemSchema = {
  type: 'object',
  required: [
    'agentId',
    'hostname',
    'id',
    'name',
    'reference',
    'image',
    'tag',
    'imageId',
    'localDigests',
    'remoteDigest',
    'checkStatus',
    'checkReason',
    'state',
    'health',
    'composeProject',
    'composeService',
    'platform',
    'firstSeenAt',
    'changedAt',
    'update',
  ],
  properties: {
    agentId: { type: 'string' },
    hostname: { type: 'string' },
    id: { type: 'string', description: "The engine's container id" },
    name: { type: 'string' },
    reference: { type: 'string', description: 'The image reference in full: `docker.io/library/nginx:1.27`' },
    image: { type: 'string', description: 'Registry and repository: `docker.io/library/nginx`' },
    tag: nullableText,
    imageId: nullableText,
    localDigests: { type: 'array', items: { type: 'string' } },
    remoteDigest: { ...nullableText, description: "The registry's digest for the tag, when checked" },
    checkStatus: { type: 'string', enum: [...CONTAINER_CHECK_STATUSES] },
    checkReason: { ...nullableText, description: 'Why not checkable, or why the check failed' },
    state: { type: 'string' },
    health: nullableText,
    composeProject: nullableText,
    composeService: nullableText,
    platform: nullableText,
    firstSeenAt: { type: 'string', format: 'date-time' },
    changedAt: { type: 'string', format: 'date-time' },
    update: {
      description:
        'The docker update of its image on this host (GET /api/v1/updates/{id}), when there is one',
      anyOf: [
        { type: 'null' },
        {
          type: 'object',
          required: ['id', 'plugin', 'name', 'arch', 'status', 'currentVersion', 'availableVersion'],
          properties: {
            id: { type: 'string' },
            plugin: { type: 'string' },
            name: { type: 'string' },
            arch: { type: 'string' },
            status: { type: 'string', enum: [...PACKAGE_STATUSES] },
            currentVersion: nullableText,
            availableVersion: nullableText,
          },
        },
      ],
    },
  },
} as const;
