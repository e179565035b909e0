import type { FastifyInstance } from 'fastify';
import { MAX_SCAN_INTERVAL_SEC, MIN_SCAN_INTERVAL_SEC } from '../../../broker/protocol/index.js';
import type { Database, Schedule } from '../../db/index.js';
import type { PolicyService } from '../../policy/index.js';
import '../access.js';
import { authErrors, errorRef, uuidParams } from '../schemas.js';
import { notFound } from '../errors.js';
import { policyRefused } from './policies.js';

// The range is checked by core/policy, whose refusal names it; the schema only wants a number.
const interval = {
  type: 'integer',
  description: `Seconds between scans, ${MIN_SCAN_INTERVAL_SEC} (1 minute) to ${MAX_SCAN_INTERVAL_SEC} (24 hours)`,
} as const;

export const scheduleSchema = {
  type: 'object',
  required: ['id', 'agentId', 'agentLabel', 'plugin', 'intervalSeconds', 'enabled'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    agentId: { type: ['string', 'null'] },
    agentLabel: { type: ['string', 'null'] },
    plugin: { type: 'string' },
    intervalSeconds: { type: 'integer' },
    enabled: { type: 'boolean' },
  },
} as const;

/**
 * Scan schedules, sent to the agents as their `config` (docs/protocol.md): for each plugin the
 * most specific one wins (this agent, then one of its labels, then everyone).
 */
export async function scheduleRoutes(app: FastifyInstance, opts: { db: Database; policy: PolicyService }) {
  app.get(
    '/api/v1/schedules',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['policies'],
        summary: 'Scan schedules',
        response: { 200: { type: 'array', items: scheduleSchema }, ...authErrors },
      },
    },
    () => opts.db.policies.schedules(),
  );

  app.post<{ Body: Omit<Schedule, 'id'> }>(
    '/api/v1/schedules',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['policies'],
        summary:
          'Set how often a plugin scans, for one agent, a label or everyone (replaces the same scope’s)',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['plugin', 'intervalSeconds'],
          properties: {
            agentId: { type: ['string', 'null'], format: 'uuid', default: null },
            agentLabel: { type: ['string', 'null'], minLength: 1, maxLength: 64, default: null },
            plugin: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,63}$' },
            intervalSeconds: interval,
            enabled: { type: 'boolean', default: true },
          },
        },
        response: { 201: scheduleSchema, 400: errorRef, 404: errorRef, ...authErrors },
      },
    },
    async (request, reply) => {
      const { agentId } = request.body;
      if (agentId && !(await opts.db.agents.findById(agentId)))
        return reply.status(404).send(notFound('agent', agentId));
      try {
        return reply.status(201).send(await opts.policy.setSchedule(request.body, request.caller!.name));
      } catch (err) {
        return policyRefused(reply, err);
      }
    },
  );

  app.patch<{ Params: { id: string }; Body: { intervalSeconds?: number; enabled?: boolean } }>(
    '/api/v1/schedules/:id',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['policies'],
        summary: 'Change a schedule’s interval or switch it on or off',
        params: uuidParams,
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: { intervalSeconds: interval, enabled: { type: 'boolean' } },
        },
        response: { 200: scheduleSchema, 400: errorRef, 404: errorRef, ...authErrors },
      },
    },
    async (request, reply) => {
      try {
        const saved = await opts.policy.updateSchedule(request.params.id, request.body, request.caller!.name);
        return saved ?? reply.status(404).send(notFound('schedule', request.params.id));
      } catch (err) {
        return policyRefused(reply, err);
      }
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/api/v1/schedules/:id',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['policies'],
        summary: 'Remove a schedule; its agents fall back to the next most specific one or their default',
        params: uuidParams,
        response: { 204: { type: 'null' }, 404: errorRef, ...authErrors },
      },
    },
    async (request, reply) => {
      if (!(await opts.policy.removeSchedule(request.params.id, request.caller!.name)))
        return reply.status(404).send(notFound('schedule', request.params.id));
      return reply.status(204).send();
    },
  );
}
