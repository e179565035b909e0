import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ClientErrorReport } from '../../../broker/protocol/api-types.js';
import type { Database, NewClientError } from '../../db/index.js';
import type { EventRecorder } from '../../events/index.js';
import type { Logger } from '../../log/index.js';
import '../access.js';
import { remoteAddress } from '../auth/authenticate.js';
import { createFailureLimiter } from '../auth/failure-limiter.js';
import {
  cursorParam,
  decodeCursor,
  encodeCursor,
  invalidCursor,
  pageSchema,
  splitList,
  wordListParam,
} from '../query.js';
import { authErrors, errorRef } from '../schemas.js';

/** The caps, published in docs/api.md so a reporter can truncate before sending. */
export const CLIENT_ERROR_LIMITS = {
  bodyBytes: 64 * 1024,
  errorsPerRequest: 20,
  messageChars: 2000,
  stackChars: 16_000,
  urlChars: 2000,
  userAgentChars: 512,
  metadataKeys: 32,
  /** Errors accepted per minute from one address (Home Assistant ingress users share one). */
  perAddressPerMinute: 120,
  /** Errors accepted per minute from one signed-in session or API token. */
  perSessionPerMinute: 30,
} as const;

const L = CLIENT_ERROR_LIMITS;

const reportSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['subsystem', 'type', 'message'],
  properties: {
    subsystem: {
      type: 'string',
      pattern: '^[A-Za-z0-9_.:-]{1,64}$',
      description: 'Which part: live, updates, login…',
    },
    type: {
      type: 'string',
      pattern: '^[A-Za-z0-9_.:-]{1,64}$',
      description: 'TypeError, unhandledrejection, http…',
    },
    message: { type: 'string', minLength: 1, maxLength: L.messageChars },
    stack: { type: 'string', maxLength: L.stackChars },
    metadata: { type: 'object', maxProperties: L.metadataKeys, additionalProperties: true },
    url: { type: 'string', maxLength: L.urlChars },
    userAgent: { type: 'string', maxLength: L.userAgentChars },
    occurredAt: { type: 'string', format: 'date-time' },
  },
} as const;

/** The panel always says when; another client may leave it out. */
type Report = Omit<ClientErrorReport, 'occurredAt'> & Partial<Pick<ClientErrorReport, 'occurredAt'>>;

const storedSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    ...reportSchema.properties,
    stack: { type: ['string', 'null'] },
    url: { type: ['string', 'null'] },
    userAgent: { type: ['string', 'null'] },
    occurredAt: { type: ['string', 'null'], format: 'date-time' },
    userId: { type: ['string', 'null'] },
    reportedBy: { type: ['string', 'null'] },
    remoteAddress: { type: ['string', 'null'] },
    createdAt: { type: 'string', format: 'date-time' },
  },
} as const;

/**
 * Errors from the panel's browser (issue 5). Public: the sign-in page can fail before anyone
 * is signed in, and a panel whose session ended must still be able to say why it broke. What
 * keeps that safe is the size caps (body and fields), per-address and per-session rate limits,
 * and that a report can only add a row and a rate-limited event, never change anything else.
 * A report with credentials is tagged with who sent it.
 */
export async function clientErrorRoutes(
  app: FastifyInstance,
  opts: { db: Database; events: EventRecorder; logger: Logger },
) {
  const perAddress = createFailureLimiter({ maxFailures: L.perAddressPerMinute, windowMs: 60_000 });
  const perSession = createFailureLimiter({ maxFailures: L.perSessionPerMinute, windowMs: 60_000 });
  const log = opts.logger.child({ component: 'client-errors' });
  // A broken database must not turn every report into a log line: one line a minute says how many were lost.
  let storeFailure = { loggedAt: 0, dropped: 0 };

  const sessionKey = (request: FastifyRequest) => {
    const caller = request.caller;
    return caller ? `session:${caller.sessionIdHash ?? caller.name}` : null;
  };

  app.post<{ Body: { errors: Report[] } }>(
    '/api/v1/client-errors',
    {
      config: { access: 'public' },
      bodyLimit: L.bodyBytes,
      schema: {
        tags: ['client errors'],
        summary: 'Report errors seen in the panel (public, size-capped, rate-limited)',
        description:
          `At most ${L.errorsPerRequest} errors and ${L.bodyBytes} bytes per request (413 beyond), fields capped ` +
          `(400 beyond); ${L.perAddressPerMinute} errors a minute per address and ${L.perSessionPerMinute} per session ` +
          '(429 with Retry-After). A reporter must never report a failure of this route.',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['errors'],
          properties: {
            errors: { type: 'array', minItems: 1, maxItems: L.errorsPerRequest, items: reportSchema },
          },
        },
        response: {
          202: { type: 'object', required: ['accepted'], properties: { accepted: { type: 'integer' } } },
          400: errorRef,
          413: errorRef,
          429: errorRef,
          503: errorRef,
        },
      },
    },
    async (request, reply) => {
      const address = remoteAddress(request);
      const session = sessionKey(request);
      const wait = Math.max(
        perAddress.blockedFor(`address:${address}`),
        session ? perSession.blockedFor(session) : 0,
      );
      if (wait > 0) {
        reply.header('retry-after', String(wait));
        return reply.status(429).send({
          error: { code: 'rate_limited', message: `too many client error reports; retry in ${wait} s` },
        });
      }
      const { errors } = request.body;
      for (let i = 0; i < errors.length; i++) {
        perAddress.fail(`address:${address}`);
        if (session) perSession.fail(session);
      }
      const caller = request.caller;
      const rows: NewClientError[] = errors.map((e) => ({
        subsystem: e.subsystem,
        type: e.type,
        message: e.message,
        stack: e.stack ?? null,
        metadata: e.metadata ?? {},
        url: e.url ?? null,
        userAgent: e.userAgent ?? request.headers['user-agent']?.slice(0, L.userAgentChars) ?? null,
        occurredAt: e.occurredAt ? new Date(e.occurredAt) : null,
        userId: caller?.userId ?? null,
        reportedBy: caller?.name ?? null,
        remoteAddress: address,
      }));
      try {
        await opts.db.clientErrors.insertMany(rows);
      } catch (err) {
        storeFailure.dropped += rows.length;
        if (Date.now() - storeFailure.loggedAt >= 60_000) {
          log.error({ err, dropped: storeFailure.dropped }, 'could not store client errors; dropping them');
          storeFailure = { loggedAt: Date.now(), dropped: 0 };
        }
        reply.header('retry-after', '60');
        return reply.status(503).send({
          error: { code: 'client_errors_unavailable', message: 'client errors cannot be stored now' },
        });
      }
      const first = errors[0]!;
      // One event per report, at most the recorder's per-minute budget per address: the event
      // history shows that the panel broke without a faulty page filling it.
      await opts.events.recordLimited(`client-errors:${address}`, {
        type: 'client_error',
        subtype: first.subsystem,
        severity: 'error',
        component: 'panel',
        message:
          `panel error in ${first.subsystem}: ${first.message.slice(0, 200)}` +
          (errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''),
        metadata: {
          count: errors.length,
          subsystems: [...new Set(errors.map((e) => e.subsystem))],
          reportedBy: caller?.name ?? null,
          address,
        },
      });
      return reply.status(202).send({ accepted: rows.length });
    },
  );

  app.get<{ Querystring: { subsystem?: string[]; since?: string; cursor?: string; limit: number } }>(
    '/api/v1/client-errors',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['client errors'],
        summary: 'Errors the panel reported, newest first, one page at a time',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            subsystem: wordListParam(),
            since: { type: 'string', format: 'date-time', description: 'Received at or after' },
            cursor: cursorParam,
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
          },
        },
        response: { 200: pageSchema(storedSchema), 400: errorRef, ...authErrors },
      },
    },
    async (request, reply) => {
      const q = request.query;
      let beforeId: string | undefined;
      if (q.cursor) {
        const parts = decodeCursor(q.cursor, 1);
        if (!parts || !/^[0-9]{1,19}$/.test(parts[0]!)) return reply.status(400).send(invalidCursor);
        beforeId = parts[0];
      }
      const items = await opts.db.clientErrors.list({
        subsystems: splitList(q.subsystem),
        since: q.since ? new Date(q.since) : undefined,
        beforeId,
        limit: q.limit,
      });
      const last = items.at(-1);
      return { items, nextCursor: items.length === q.limit && last ? encodeCursor([last.id]) : null };
    },
  );
}
