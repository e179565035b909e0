import { CONTAINER_CHECK_STATUSES } from '../vocabulary.js';
import { digest, text } from './common.js';

/** A host with more containers than this is reported without an inventory (bounded payload). */
export const MAX_INVENTORY_CONTAINERS = 4096;

const hexId = { type: 'string', pattern: '^[0-9a-f]{12,64}$' } as const;

/**
 * One container on a host and where its image stands against the registry (issue 24 §5): what
 * the panel's container lists, Home Assistant's per-container update entities and the Proxmox
 * tree's guest → containers level read. Sent on the docker plugin's `scan` as `containers`.
 */
export const containerInventoryItemSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'reference', 'image', 'localDigests', 'checkStatus', 'state'],
  properties: {
    id: { ...hexId, description: 'The engine id of the container.' },
    name: text(256, 1),
    reference: {
      ...text(512, 1),
      description:
        'The image reference the container runs, written out in full (`docker.io/library/nginx:1.27`): the `name` of its scan record when the image has an update.',
    },
    image: {
      ...text(512, 1),
      description:
        'Registry and repository (`docker.io/library/nginx`), or the reference as the engine gave it.',
    },
    tag: text(128, 1),
    imageId: { ...hexId, description: 'The local image id, without `sha256:`.' },
    localDigests: { type: 'array', maxItems: 64, items: digest },
    remoteDigest: { ...digest, description: "The registry's digest for the tag, when it was checked." },
    checkStatus: { type: 'string', enum: CONTAINER_CHECK_STATUSES },
    checkReason: { ...text(1024, 1), description: 'Why not checkable, or why the check failed.' },
    state: { ...text(32, 1), description: "The engine's state: `running`, `exited`, `created`, …" },
    health: {
      ...text(32, 1),
      description: '`healthy`, `unhealthy`, `starting`; absent without a health check.',
    },
    composeProject: text(256, 1),
    composeService: text(256, 1),
    platform: { ...text(64, 1), description: 'os/arch[/variant] the engine pulls for.' },
  },
} as const;
