import type { FastifyInstance } from 'fastify';
import type { Agent, Database } from '../../db/index.js';
import { allowAgentRebind, revokeAgent } from '../../fleet/index.js';
import '../access.js';
import type { AdminContext } from '../admin-operations.js';
import { authErrors, errorRef, uuidParams } from '../schemas.js';

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
    macAddresses: { type: 'array', items: { type: 'string' } },
    capabilities: { type: 'array' },
    metadata: { type: 'object', additionalProperties: true },
  },
} as const;

// The public key and machine-id hash identify the host to the core only; the schema drops them anyway.
const visible = ({ publicKey: _key, machineIdHash: _machine, ...agent }: Agent) => agent;

const notFound = (id: string) => ({ error: { code: 'not_found', message: `no active agent with id ${id}` } });

export async function agentRoutes(app: FastifyInstance, opts: { db: Database; manage: AdminContext }) {
  app.get(
    '/api/v1/agents',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['agents'],
        summary: 'List enrolled agents',
        response: { 200: { type: 'array', items: agentSchema }, ...authErrors },
      },
    },
    async () => (await opts.db.agents.list()).map(visible),
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/agents/:id',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['agents'],
        summary: 'One agent',
        params: uuidParams,
        response: { 200: agentSchema, 404: errorRef, ...authErrors },
      },
    },
    async (request, reply) => {
      const agent = await opts.db.agents.findById(request.params.id);
      if (!agent)
        return reply
          .status(404)
          .send({ error: { code: 'not_found', message: `no agent with id ${request.params.id}` } });
      return visible(agent);
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/v1/agents/:id/revoke',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['agents'],
        summary: 'Revoke an agent and close its connection at once',
        params: uuidParams,
        response: {
          200: { type: 'object', required: ['revoked'], properties: { revoked: { type: 'string' } } },
          404: errorRef,
          ...authErrors,
        },
      },
    },
    async (request, reply) => {
      if (!(await revokeAgent(opts.manage, request.params.id, request.caller!.name)))
        return reply.status(404).send(notFound(request.params.id));
      return { revoked: request.params.id };
    },
  );

  app.post<{ Params: { id: string }; Body: { hours?: number } | undefined }>(
    '/api/v1/agents/:id/rebind',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['agents'],
        summary: "Let the agent's machine register again within `hours` and keep its id",
        params: uuidParams,
        body: {
          type: ['object', 'null'],
          additionalProperties: false,
          properties: { hours: { type: 'integer', minimum: 1, maximum: 720, default: 24 } },
        },
        response: {
          200: {
            type: 'object',
            required: ['agentId', 'rebindAllowedUntil'],
            properties: {
              agentId: { type: 'string' },
              rebindAllowedUntil: { type: 'string', format: 'date-time' },
            },
          },
          404: errorRef,
          ...authErrors,
        },
      },
    },
    async (request, reply) => {
      const hours = request.body?.hours ?? 24;
      const until = await allowAgentRebind(opts.manage, request.params.id, hours, request.caller!.name);
      if (!until) return reply.status(404).send(notFound(request.params.id));
      return { agentId: request.params.id, rebindAllowedUntil: until.toISOString() };
    },
  );
}
