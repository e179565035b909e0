import type { FastifyInstance } from 'fastify';
import type { Database, EventSeverity } from '../../db/index.js';
import '../access.js';
import { authErrors } from '../schemas.js';

const eventSchema = {
  type: 'object',
  required: ['id', 'type', 'severity', 'component', 'message', 'createdAt'],
  properties: {
    id: { type: 'string' },
    agentId: { type: ['string', 'null'] },
    type: { type: 'string' },
    subtype: { type: ['string', 'null'] },
    severity: { type: 'string', enum: ['info', 'warning', 'error', 'critical'] },
    component: { type: 'string' },
    message: { type: 'string' },
    metadata: { type: 'object', additionalProperties: true },
    createdAt: { type: 'string', format: 'date-time' },
  },
} as const;

interface EventQuery {
  agent?: string;
  type?: string;
  severity?: EventSeverity;
  since?: string;
  after?: string;
  limit?: number;
}

/** GET /api/v1/events: the system event history, newest first (oldest first after `after`, for catch-up). */
export async function eventRoutes(app: FastifyInstance, opts: { db: Database }) {
  app.get<{ Querystring: EventQuery }>(
    '/api/v1/events',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['events'],
        summary: 'System events, filtered by agent, type, severity, time or id',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            agent: { type: 'string', format: 'uuid' },
            type: { type: 'string', maxLength: 64 },
            severity: { type: 'string', enum: ['info', 'warning', 'error', 'critical'] },
            since: { type: 'string', format: 'date-time' },
            after: {
              type: 'string',
              pattern: '^[0-9]{1,19}$',
              description: 'Events with a greater id, oldest first',
            },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
          },
        },
        response: {
          200: { type: 'array', items: eventSchema },
          400: { $ref: 'ErrorResponse#' },
          ...authErrors,
        },
      },
    },
    async (request) => {
      const q = request.query;
      return opts.db.systemEvents.list({
        agentId: q.agent,
        type: q.type,
        severity: q.severity,
        since: q.since ? new Date(q.since) : undefined,
        afterId: q.after,
        limit: q.limit,
      });
    },
  );
}
