import type { FastifyInstance } from 'fastify';
import type { Dispatcher } from '../../commands/index.js';
import type { Database } from '../../db/index.js';
import '../access.js';
import { authErrors, errorRef, uuidParams } from '../schemas.js';
import { notFound } from '../errors.js';

export const outputLineSchema = {
  type: 'object',
  required: ['seq', 'stream', 'line', 'ts'],
  properties: {
    seq: { type: 'integer' },
    stream: { type: 'string', enum: ['stdout', 'stderr', 'status'] },
    line: { type: 'string' },
    percent: { type: ['number', 'null'] },
    ts: { type: 'string', format: 'date-time' },
  },
} as const;

const MAX_PAGE = 5000;

/**
 * GET /api/v1/commands/{id}/output: the stored output lines of a command in the agent's order
 * (issue 5 §2 "detail with streamed output"). The panel reads what exists, then follows
 * `command.output` on the live stream; `after` continues from the last seq it has.
 */
export async function commandOutputRoutes(
  app: FastifyInstance,
  opts: { db: Database; dispatcher: Pick<Dispatcher, 'flushDeliveryMarks'> },
) {
  app.get<{ Params: { id: string }; Querystring: { after?: number; limit?: number } }>(
    '/api/v1/commands/:id/output',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['commands'],
        summary: 'Output lines of a command, in order',
        description:
          'Lines with a seq greater than `after` (default: from the first). At most ' +
          '`commands.outputMaxLines` lines and `commands.outputMaxKiB` of text are stored per command; ' +
          'past that one `status` line says the output was cut (the last lines are in the result). ' +
          '`next` is the `after` of the following page, null when this page is the end.',
        params: uuidParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            after: { type: 'integer', minimum: -1, default: -1 },
            limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE, default: 1000 },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['commandId', 'status', 'lines', 'next'],
            properties: {
              commandId: { type: 'string', format: 'uuid' },
              status: { type: 'string' },
              lines: { type: 'array', items: outputLineSchema },
              next: { type: ['integer', 'null'] },
            },
          },
          404: errorRef,
          ...authErrors,
        },
      },
    },
    async (request, reply) => {
      // The status beside the lines is the one the live stream announced (delivery marks written).
      await opts.dispatcher.flushDeliveryMarks();
      const command = await opts.db.commands.findById(request.params.id);
      if (!command) return reply.status(404).send(notFound('command', request.params.id));
      const limit = request.query.limit ?? 1000;
      const lines = await opts.db.commandOutput.list(command.id, request.query.after ?? -1, limit);
      return {
        commandId: command.id,
        status: command.status,
        lines: lines.map((l) => ({ ...l, ts: l.ts.toISOString() })),
        next: lines.length === limit ? lines[lines.length - 1]!.seq : null,
      };
    },
  );
}
