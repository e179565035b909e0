import type { FastifyInstance } from 'fastify';
import {
  COMMAND_SOURCES as SOURCES,
  COMMAND_STATUSES as STATUSES,
  COMMAND_TYPES,
} from '../../../broker/protocol/index.js';
import type { Dispatcher } from '../../commands/index.js';
import type { CommandSource, CommandStatus, Database } from '../../db/index.js';
import '../access.js';
import {
  cursorParam,
  decodeCursor,
  encodeCursor,
  invalidCursor,
  listParam,
  pageSchema,
  splitList,
} from '../query.js';
import { authErrors, errorRef } from '../schemas.js';
import { commandSchema } from './commands.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// As PostgreSQL prints a timestamptz: `2026-12-01 21:25:00.123456+00`.
const PG_TIMESTAMP = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{1,6})?[+-]\d\d(:\d\d)?$/;

interface HistoryQuery {
  agent?: string;
  status?: string[];
  type?: string[];
  source?: string[];
  since?: string;
  cursor?: string;
  limit: number;
}

/**
 * The command history and the commands still running (the panel's operations view). Each read
 * waits for the delivery marks the dispatcher holds (sent, acknowledged): the panel reads a
 * command again when the live stream says it moved, and must find it where the stream said.
 */
export async function commandHistoryRoutes(
  app: FastifyInstance,
  opts: { db: Database; dispatcher: Pick<Dispatcher, 'flushDeliveryMarks'> },
) {
  app.get<{ Querystring: HistoryQuery }>(
    '/api/v1/commands',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['commands'],
        summary: 'Command history, newest first, one page at a time (pass `nextCursor` back as `cursor`)',
        description:
          'Filters that take several values accept `status=a&status=b` or `status=a,b`. Pages are keyed ' +
          'on (creation time, id): commands issued while paging appear on no later page twice.',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            agent: { type: 'string', format: 'uuid' },
            status: listParam(STATUSES),
            type: listParam(COMMAND_TYPES),
            source: listParam(SOURCES),
            since: { type: 'string', format: 'date-time', description: 'Created at or after' },
            cursor: cursorParam,
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
          },
        },
        response: { 200: pageSchema(commandSchema), 400: errorRef, ...authErrors },
      },
    },
    async (request, reply) => {
      const q = request.query;
      let after = null;
      if (q.cursor) {
        const parts = decodeCursor(q.cursor, 2);
        if (!parts || !PG_TIMESTAMP.test(parts[0]!) || !UUID.test(parts[1]!))
          return reply.status(400).send(invalidCursor);
        after = { createdAt: parts[0]!, id: parts[1]! };
      }
      await opts.dispatcher.flushDeliveryMarks();
      const page = await opts.db.commands.page({
        agentId: q.agent,
        statuses: splitList<CommandStatus>(q.status),
        types: splitList(q.type),
        sources: splitList<CommandSource>(q.source),
        since: q.since ? new Date(q.since) : undefined,
        after,
        limit: q.limit,
      });
      return {
        items: page.items,
        nextCursor: page.lastKey ? encodeCursor([page.lastKey.createdAt, page.lastKey.id]) : null,
      };
    },
  );

  app.get<{ Querystring: { agent?: string } }>(
    '/api/v1/commands/active',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['commands'],
        summary: 'Every command not finished yet (pending, sent, acknowledged, running), oldest first',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { agent: { type: 'string', format: 'uuid' } },
        },
        response: { 200: { type: 'array', items: commandSchema }, 400: errorRef, ...authErrors },
      },
    },
    async (request) => {
      await opts.dispatcher.flushDeliveryMarks();
      return opts.db.commands.active({ agentId: request.query.agent });
    },
  );
}
