import type { FastifyInstance } from 'fastify';
import '../access.js';
import {
  type RegisterBody,
  type RegisterContext,
  RegistrationRefused,
  registerAgent,
} from '../../fleet/index.js';

const registerBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['token', 'publicKey', 'machineIdHash', 'hostname', 'os', 'arch', 'agentVersion', 'macAddresses'],
  properties: {
    token: { type: 'string', minLength: 1, maxLength: 200, description: 'Registration token (rf1_…)' },
    publicKey: {
      type: 'string',
      pattern: '^[A-Za-z0-9+/]{43}=$',
      description: "The agent's Ed25519 public key, raw 32 bytes in base64",
    },
    machineIdHash: {
      type: 'string',
      pattern: '^[0-9a-f]{64}$',
      description: 'SHA-256 (hex) of /etc/machine-id or the Windows MachineGuid',
    },
    hostname: { type: 'string', minLength: 1, maxLength: 253 },
    os: { type: 'string', maxLength: 200 },
    arch: { type: 'string', maxLength: 32 },
    agentVersion: { type: 'string', maxLength: 64 },
    macAddresses: {
      type: 'array',
      maxItems: 64,
      items: { type: 'string', pattern: '^([0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}$' },
    },
  },
} as const;

const registerResponseSchema = {
  type: 'object',
  required: [
    'agentId',
    'serverPublicKey',
    'serverKeyId',
    'serverKeys',
    'brokerUrl',
    'topicPrefix',
    'rebound',
  ],
  properties: {
    agentId: { type: 'string', format: 'uuid' },
    serverPublicKey: { type: 'string' },
    serverKeyId: { type: 'string' },
    serverKeys: { type: 'object', additionalProperties: { type: 'string' } },
    brokerUrl: { type: 'string' },
    topicPrefix: { type: 'string' },
    rebound: { type: 'boolean' },
  },
} as const;

/** POST /api/v1/agents/register: the agent's first call, authenticated by its registration token. */
export async function registerRoutes(app: FastifyInstance, opts: { fleet: RegisterContext }) {
  app.post<{ Body: RegisterBody }>(
    '/api/v1/agents/register',
    {
      config: { access: 'registration-token' },
      schema: {
        tags: ['agents'],
        summary: 'Enrol an agent with a registration token (consumes one seat)',
        body: registerBodySchema,
        response: {
          201: registerResponseSchema,
          400: { $ref: 'ErrorResponse#' },
          401: { $ref: 'ErrorResponse#' },
          403: { $ref: 'ErrorResponse#' },
          409: { $ref: 'ErrorResponse#' },
        },
      },
    },
    async (request, reply) => {
      try {
        const result = await registerAgent(opts.fleet, request.body, {
          remoteAddress: request.ip,
          requestHost: request.headers.host,
        });
        return reply.status(201).send(result);
      } catch (err) {
        if (err instanceof RegistrationRefused)
          return reply.status(err.status).send({ error: { code: err.code, message: err.message } });
        throw err;
      }
    },
  );
}
