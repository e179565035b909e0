import type { FastifyInstance } from 'fastify';
import type { Agent, Database } from '../../db/index.js';
import {
  allowAgentRebind,
  deleteAgent,
  RebindRefused,
  revokeAgent,
  setAgentLabels,
} from '../../fleet/index.js';
import '../access.js';
import type { PolicyService } from '../../policy/index.js';
import { type AdminContext, rebindAnswer } from '../admin-operations.js';
import { authErrors, errorRef, uuidParams } from '../schemas.js';
import { notFound } from '../errors.js';
import {
  type AgentListQuery,
  agentDetailSchema,
  agentSchema,
  agentListItemSchema,
  agentListQuery,
  LABEL_PATTERN,
  perPlugin,
  sumPending,
} from './agent-schemas.js';

// The public key and machine-id hash identify the host to the core only; the schema drops them anyway.
export { agentSchema };

const visible = <T extends Agent>({ publicKey: _key, machineIdHash: _machine, ...agent }: T) => agent;

export async function agentRoutes(
  app: FastifyInstance,
  opts: { db: Database; manage: AdminContext; policy: PolicyService },
) {
  app.get<{ Querystring: AgentListQuery }>(
    '/api/v1/agents',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['agents'],
        summary: 'Enrolled agents with their pending update counts, filtered and sorted',
        querystring: agentListQuery,
        response: {
          200: {
            type: 'object',
            required: ['items', 'total'],
            properties: { items: { type: 'array', items: agentListItemSchema }, total: { type: 'integer' } },
          },
          ...authErrors,
        },
      },
    },
    async (request) => {
      const q = request.query;
      const { items, total } = await opts.db.fleet.listAgents({
        online: q.online,
        status: q.status,
        label: q.label,
        q: q.q,
        sort: q.sort,
        order: q.order ?? (q.sort === 'hostname' ? 'asc' : 'desc'),
        limit: q.limit,
        offset: q.offset,
      });
      return { items: items.map(visible), total };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/agents/:id',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['agents'],
        summary: 'One agent with its latest metrics and package counts per plugin',
        params: uuidParams,
        response: { 200: agentDetailSchema, 404: errorRef, ...authErrors },
      },
    },
    async (request, reply) => {
      const id = request.params.id;
      const [agent, counts, metrics] = await Promise.all([
        opts.db.agents.findById(id),
        opts.db.fleet.packageCounts(id),
        opts.db.fleet.latestMetrics(id),
      ]);
      if (!agent) return reply.status(404).send(notFound('agent', id));
      const plugins = perPlugin(counts);
      return {
        ...visible(agent),
        pending: sumPending(Object.values(plugins).map((p) => p.pending)),
        plugins,
        metrics: metrics
          ? {
              ...metrics.sample,
              reportedAt: metrics.reportedAt.toISOString(),
              receivedAt: metrics.receivedAt.toISOString(),
            }
          : null,
      };
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/api/v1/agents/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['agents'],
        summary:
          'Delete an agent with its package states, scans, update events, install history and commands (system events stay)',
        params: uuidParams,
        response: {
          200: { type: 'object', required: ['deleted'], properties: { deleted: { type: 'string' } } },
          404: errorRef,
          ...authErrors,
        },
      },
    },
    async (request, reply) => {
      if (!(await deleteAgent(opts.manage, request.params.id, request.caller!.name)))
        return reply.status(404).send(notFound('agent', request.params.id));
      return { deleted: request.params.id };
    },
  );

  app.put<{ Params: { id: string }; Body: { labels: string[] } }>(
    '/api/v1/agents/:id/labels',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['agents'],
        summary: "Replace an agent's labels (policies, schedules and maintenance windows match on them)",
        params: uuidParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['labels'],
          properties: {
            labels: {
              type: 'array',
              maxItems: 32,
              items: { type: 'string', pattern: LABEL_PATTERN, minLength: 1, maxLength: 64 },
            },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['id', 'labels'],
            properties: { id: { type: 'string' }, labels: { type: 'array', items: { type: 'string' } } },
          },
          404: errorRef,
          ...authErrors,
        },
      },
    },
    async (request, reply) => {
      const before = await opts.db.agents.findById(request.params.id);
      const labels = before
        ? await setAgentLabels(opts.manage, before.id, request.body.labels, request.caller!.name)
        : null;
      if (!before || !labels) return reply.status(404).send(notFound('agent', request.params.id));
      // Schedules pick agents by label: one whose schedules changed gets its new config now.
      await opts.policy.labelsChanged(before.id, before.labels, labels, request.caller!.name);
      return { id: request.params.id, labels };
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
        return reply.status(404).send(notFound('active agent', request.params.id));
      return { revoked: request.params.id };
    },
  );

  app.post<{ Params: { id: string }; Body: { hours?: number; machineIdHash?: string } | undefined }>(
    '/api/v1/agents/:id/rebind',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['agents'],
        summary:
          'Rebind an agent: lift an identity conflict, bind it to a machine (the one named, or the next to connect with its key), and let its machine register again within `hours`',
        params: uuidParams,
        body: {
          type: ['object', 'null'],
          additionalProperties: false,
          properties: {
            hours: { type: 'integer', minimum: 1, maximum: 720, default: 24 },
            machineIdHash: {
              type: 'string',
              pattern: '^[0-9a-f]{64}$',
              description:
                'SHA-256 (hex) of the machine id to bind to (`sha256sum /etc/machine-id` on that host); ' +
                'without it the first hello carrying a machine id binds the agent',
            },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['agentId', 'rebindAllowedUntil', 'machine', 'conflictLifted'],
            properties: {
              agentId: { type: 'string' },
              rebindAllowedUntil: { type: 'string', format: 'date-time' },
              machine: {
                type: ['string', 'null'],
                description: 'First characters of the machine-id hash bound; null: the next hello binds it',
              },
              conflictLifted: { type: 'boolean' },
            },
          },
          404: errorRef,
          409: errorRef,
          ...authErrors,
        },
      },
    },
    async (request, reply) => {
      const hours = request.body?.hours ?? 24;
      try {
        const rebound = await allowAgentRebind(
          opts.manage,
          request.params.id,
          hours,
          request.caller!.name,
          request.body?.machineIdHash,
        );
        if (!rebound) return reply.status(404).send(notFound('active agent', request.params.id));
        return rebindAnswer(request.params.id, rebound);
      } catch (err) {
        if (!(err instanceof RebindRefused)) throw err;
        return reply.status(409).send({ error: { code: 'machine_taken', message: err.message } });
      }
    },
  );
}
