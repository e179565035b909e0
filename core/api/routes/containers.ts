import type { FastifyInstance } from 'fastify';
import { type ContainerCursorKey, type Database } from '../../db/index.js';
import '../access.js';
import { notFound } from '../errors.js';
import { decodeCursor, encodeCursor, invalidCursor, pageSchema } from '../query.js';
import { authErrors, errorRef } from '../schemas.js';
import { containerItemSchema, type ContainerListQuery, containerListQuery } from './container-schemas.js';
import { splitCommaValues } from './update-schemas.js';

/** The page cursor: the last row's key (hostname, name, agent id, container id), opaque to clients. */
const CURSOR_PARTS = 4;

/** The hosts' containers as their docker scans reported them (issue 24 §5, docs/api.md "Containers"). */
export async function containerRoutes(app: FastifyInstance, opts: { db: Database }) {
  app.get<{ Querystring: ContainerListQuery }>(
    '/api/v1/containers',
    {
      config: { access: 'viewer' },
      preValidation: async (request) => splitCommaValues(request.query as unknown as Record<string, unknown>),
      schema: {
        tags: ['containers'],
        summary:
          "Every host's containers with their image's check, by host and name, filtered like the updates list, one keyset page at a time (pass `nextCursor` back as `cursor`)",
        querystring: containerListQuery,
        response: {
          200: pageSchema(containerItemSchema),
          400: errorRef,
          ...authErrors,
        },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const after = q.cursor ? (decodeCursor(q.cursor, CURSOR_PARTS) as ContainerCursorKey | null) : null;
      if (q.cursor && !after) return reply.status(400).send(invalidCursor);
      const page = await opts.db.containers.page({
        filter: { agentIds: q.agent, statuses: q.status, q: q.q },
        limit: q.limit,
        after,
      });
      return { items: page.items, nextCursor: page.next ? encodeCursor(page.next) : null };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/agents/:id/containers',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['containers'],
        summary: "One host's containers, and when its inventory was taken (null: never)",
        params: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string', format: 'uuid' } },
        },
        response: {
          200: {
            type: 'object',
            required: ['items', 'scannedAt'],
            properties: {
              items: { type: 'array', items: containerItemSchema },
              scannedAt: { type: ['string', 'null'], format: 'date-time' },
            },
          },
          404: errorRef,
          ...authErrors,
        },
      },
    },
    async (request, reply) => {
      const id = request.params.id;
      if (!(await opts.db.agents.findById(id))) return reply.status(404).send(notFound('agent', id));
      const [items, scannedAt] = await Promise.all([
        opts.db.containers.list({ agentIds: [id] }),
        opts.db.containers.scannedAt(id),
      ]);
      return { items, scannedAt };
    },
  );
}
