import type { FastifyError, FastifyInstance } from 'fastify';
import { CommandRequestError } from '../commands/index.js';
import { isDatabaseUnavailable } from '../db/index.js';

/** What a client is told to wait before trying again while the database is away. */
const RETRY_AFTER_SECONDS = 5;

/** Every API error has one shape: `{ error: { code, message, details? } }`. */
export const errorResponseSchema = {
  $id: 'ErrorResponse',
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        details: {},
      },
    },
  },
} as const;

/** The 404 body of a route that names a missing thing by id. */
export const notFound = (what: string, id: string) => ({
  error: { code: 'not_found', message: `no ${what} with id ${id}` },
});

export function installErrorHandlers(app: FastifyInstance) {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
    if (err.validation) {
      return reply.status(400).send({
        error: { code: 'validation_failed', message: err.message, details: err.validation },
      });
    }
    // Issue 21 §7: a command type the agent does not run, asked for through any route (a
    // command, a retry, an approval's dry run, plugin settings): nothing was queued.
    if (err instanceof CommandRequestError && err.code === 'command_type_unsupported')
      return reply
        .status(409)
        .send({ error: { code: err.code, message: err.message, details: err.details } });
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      return reply.status(413).send({
        error: {
          code: 'payload_too_large',
          message: `the body is larger than this route accepts: ${err.message}`,
        },
      });
    // The database does not answer (issue 25 §4): not the request's fault, and worth a retry.
    if (isDatabaseUnavailable(err)) {
      request.log.warn({ err }, 'request failed: the database does not answer');
      return reply
        .status(503)
        .header('retry-after', String(RETRY_AFTER_SECONDS))
        .send({
          error: { code: 'database_unavailable', message: 'the database does not answer; try again shortly' },
        });
    }
    if (status >= 500) request.log.error({ err }, 'request failed');
    return reply.status(status).send({
      error: {
        code: err.code ? err.code.toLowerCase() : 'internal_error',
        // Internal messages can carry SQL or paths: keep them in the log, not the response.
        message: status >= 500 ? 'internal error, see the core log' : err.message,
      },
    });
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .send({ error: { code: 'not_found', message: `no route ${request.method} ${request.url}` } }),
  );
}
