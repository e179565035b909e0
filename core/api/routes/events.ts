import type { FastifyInstance } from 'fastify';
import { type Database, EVENT_SEVERITIES, type EventSeverity } from '../../db/index.js';
import '../access.js';
import {
  cursorParam,
  decodeCursor,
  encodeCursor,
  invalidCursor,
  listParam,
  pageSchema,
  splitList,
  wordListParam,
} from '../query.js';
import { authErrors, errorRef } from '../schemas.js';

export const eventSchema = {
  type: 'object',
  required: ['id', 'type', 'severity', 'component', 'message', 'createdAt'],
  properties: {
    id: { type: 'string' },
    agentId: { type: ['string', 'null'] },
    type: { type: 'string' },
    subtype: { type: ['string', 'null'] },
    severity: { type: 'string', enum: [...EVENT_SEVERITIES] },
    component: { type: 'string' },
    message: { type: 'string' },
    metadata: { type: 'object', additionalProperties: true },
    createdAt: { type: 'string', format: 'date-time' },
  },
} as const;

interface EventQuery {
  agent?: string;
  type?: string[];
  subtype?: string[];
  severity?: string[];
  minSeverity?: EventSeverity;
  component?: string[];
  since?: string;
  until?: string;
  after?: string;
  cursor?: string;
  limit: number;
}

const ID = /^[0-9]{1,19}$/;

/**
 * GET /api/v1/events: the system event history, newest first, keyset-paged on the event id.
 * With `after` it reads forwards instead (oldest first), for a client catching up.
 */
export async function eventRoutes(app: FastifyInstance, opts: { db: Database }) {
  app.get<{ Querystring: EventQuery }>(
    '/api/v1/events',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['events'],
        summary: 'System events, filtered, one page at a time (pass `nextCursor` back as `cursor`)',
        description:
          'Filters that take several values accept `type=a&type=b` or `type=a,b`; all given filters must ' +
          'match. Newest first; with `after` (an event id) oldest first from that id on.',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            agent: { type: 'string', format: 'uuid' },
            type: wordListParam('Event types: security, enrollment, command, policy, client_error…'),
            subtype: wordListParam(),
            severity: listParam(EVENT_SEVERITIES, 'Any of these severities'),
            minSeverity: {
              type: 'string',
              enum: [...EVENT_SEVERITIES],
              description: 'This severity or worse (warning: warning, error and critical)',
            },
            component: wordListParam('The part of the core that recorded it: auth, fleet, broker, policy…'),
            since: { type: 'string', format: 'date-time', description: 'Created at or after' },
            until: { type: 'string', format: 'date-time', description: 'Created before' },
            after: {
              type: 'string',
              pattern: ID.source,
              description: 'Events with a greater id, oldest first',
            },
            cursor: cursorParam,
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
          },
        },
        response: { 200: pageSchema(eventSchema), 400: errorRef, ...authErrors },
      },
    },
    async (request, reply) => {
      const q = request.query;
      // The cursor remembers which way the first page read.
      let direction: 'a' | 'b' = q.after ? 'a' : 'b';
      let from = q.after;
      if (q.cursor) {
        const parts = decodeCursor(q.cursor, 2);
        if (!parts || (parts[0] !== 'a' && parts[0] !== 'b') || !ID.test(parts[1]!))
          return reply.status(400).send(invalidCursor);
        direction = parts[0];
        from = parts[1];
      }
      const items = await opts.db.systemEvents.list({
        agentId: q.agent,
        types: splitList(q.type),
        subtypes: splitList(q.subtype),
        severities: splitList<EventSeverity>(q.severity),
        minSeverity: q.minSeverity,
        components: splitList(q.component),
        since: q.since ? new Date(q.since) : undefined,
        until: q.until ? new Date(q.until) : undefined,
        ...(direction === 'a' ? { afterId: from } : { beforeId: from }),
        limit: q.limit,
      });
      const last = items.at(-1);
      return {
        items,
        nextCursor: items.length === q.limit && last ? encodeCursor([direction, last.id]) : null,
      };
    },
  );
}
