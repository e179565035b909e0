import type { JsonSchema } from '../sdk/index.js';
import { enrollmentSchema, type EnrollmentSettings } from './enrollment.js';
import type { EndpointConfig } from './pve-client.js';

export interface ProxmoxConfig {
  endpoints: EndpointConfig[];
  /** How often discovery runs (job runner), in seconds. */
  intervalSeconds: number;
  /** Requests in flight per endpoint at once. */
  concurrency: number;
  /** Enrollment into LXCs over SSH to their node (issue 23 §5). */
  enrollment: EnrollmentSettings;
}

export interface ProxmoxSecrets {
  /** The API token secret (a UUID) of each endpoint, by endpoint name. */
  tokens: Record<string, string>;
  /** The key that logs in to the nodes for enrollment (OpenSSH format). */
  ssh?: { privateKey: string };
}

export const configSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    endpoints: {
      type: 'array',
      default: [],
      description: 'One entry per cluster (or single node); discovery reads each on its own',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'url', 'tokenId'],
        properties: {
          name: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$', maxLength: 64 },
          url: { type: 'string', pattern: '^https://', description: 'https://pve1.lan:8006' },
          tokenId: {
            type: 'string',
            pattern: '^[^@!\\s]+@[^@!\\s]+![A-Za-z][A-Za-z0-9._-]*$',
            description: 'USER@REALM!TOKENID of a token with the PVEAuditor role on /',
          },
          fingerprint: {
            type: 'string',
            pattern: '^([0-9A-Fa-f]{2}:?){31}[0-9A-Fa-f]{2}$',
            description: "SHA-256 fingerprint of the node's certificate (pinned)",
          },
          caFile: { type: 'string', minLength: 1, description: 'PEM file of the CA that signed it' },
          timeoutMs: { type: 'integer', minimum: 100, maximum: 300_000, default: 10_000 },
          retries: { type: 'integer', minimum: 0, maximum: 10, default: 2 },
          retryDelayMs: { type: 'integer', minimum: 1, maximum: 60_000, default: 500 },
        },
      },
    },
    intervalSeconds: { type: 'integer', minimum: 30, default: 300 },
    concurrency: { type: 'integer', minimum: 1, maximum: 64, default: 8 },
    enrollment: enrollmentSchema,
  },
};

export const secretsSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    tokens: {
      type: 'object',
      default: {},
      additionalProperties: { type: 'string', minLength: 1 },
    },
    ssh: {
      type: 'object',
      additionalProperties: false,
      required: ['privateKey'],
      properties: { privateKey: { type: 'string', pattern: '^-----BEGIN [A-Z ]*PRIVATE KEY-----' } },
    },
  },
};
