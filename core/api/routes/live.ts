import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import type { Database } from '../../db/index.js';
import { type EventRecorder, LIVE_EVENT_KINDS, type LiveBus } from '../../events/index.js';
import '../access.js';
import { remoteAddress } from '../auth/authenticate.js';
import { originIsThisServer } from '../origin.js';
import { CLOSE, encodeEvent, LiveConnection } from '../live/connection.js';
import { parseClientMessage, subscribeFromQuery } from '../live/messages.js';
import { authErrors, errorRef } from '../schemas.js';

export interface LiveOptions {
  bus: LiveBus;
  heartbeatSeconds: number;
  maxQueuedBytes: number;
  /**
   * How often streams check that the session or API token they were opened with is still valid
   * (sign-outs and revocations on this core close them at once).
   */
  sessionCheckSeconds: number;
  /** The panel's public address (config http.publicUrl): an Origin it may come from. */
  publicUrl: string | null;
}

interface LiveQuery {
  since?: string;
  stream?: string;
  agents?: string;
  kinds?: string;
}

/**
 * Cross-site WebSocket hijacking: a page on another site can open a WebSocket here and the
 * browser sends our cookie with it (SameSite does not cover every case, and the CSRF header
 * cannot be set on a WebSocket). Browsers always send Origin on a WebSocket handshake, so a
 * cookie-authenticated upgrade must come from a page of this server: Origin's host equals the
 * Host the request was sent to (or the proxy's X-Forwarded-Host, or http.publicUrl). A page
 * cannot set either header on a WebSocket. Bearer tokens are not sent by browsers on their own.
 */
function originProblem(request: FastifyRequest, publicUrl: string | null): string | null {
  if (!request.ws || request.caller?.kind === 'token') return null;
  const origin = request.headers.origin;
  if (origin === undefined) return null; // not a browser
  if (originIsThisServer(request, origin, publicUrl)) return null;
  return `Origin ${origin} is not this server (${request.headers.host ?? 'no Host'}); open the stream from the panel`;
}

/** GET /api/v1/live: the core's bus over a WebSocket (DESIGN.md §3.8, issue 5 §3). */
export async function liveRoutes(
  app: FastifyInstance,
  opts: { live: LiveOptions; db: Database; events: EventRecorder },
) {
  const { bus, maxQueuedBytes } = opts.live;
  const clients = new Set<LiveConnection>();
  // What each stream was opened with: it lives only as long as that credential.
  const sessionOf = new WeakMap<LiveConnection, string>();
  const tokenOf = new WeakMap<LiveConnection, string>();

  // One listener for every client; each event is serialised once.
  const unsubscribe = bus.subscribe((event) => {
    if (clients.size === 0) return;
    const encoded = encodeEvent(event);
    for (const client of clients) client.deliver(encoded);
  });

  const heartbeat = setInterval(() => {
    for (const client of clients) {
      if (!client.alive) {
        client.close(CLOSE.noPong, 'no answer to the previous ping');
        client.socket.terminate();
        clients.delete(client);
        continue;
      }
      client.alive = false;
      client.socket.ping();
      client.sendJson({ type: 'heartbeat', lastId: bus.lastId, ts: new Date().toISOString() });
    }
  }, opts.live.heartbeatSeconds * 1000);
  heartbeat.unref();

  // Sessions end (sign-out, a password change, a disabled user, expiry) and tokens are revoked
  // or expire: a stream opened with one ends with it, at once when it ended through this core.
  const endSession = (client: LiveConnection) => {
    client.close(CLOSE.sessionEnded, 'the session has ended');
    clients.delete(client);
  };
  const endToken = (client: LiveConnection) => {
    client.close(CLOSE.sessionEnded, 'the API token is no longer valid');
    clients.delete(client);
  };
  const stopWatchingSessions = opts.db.sessions.onEnded((hashes) => {
    const ended = new Set(hashes);
    for (const client of clients) if (ended.has(sessionOf.get(client) ?? '')) endSession(client);
  });
  const stopWatchingTokens = opts.db.apiTokens.onRevoked((ids) => {
    const revoked = new Set(ids);
    for (const client of clients) if (revoked.has(tokenOf.get(client) ?? '')) endToken(client);
  });
  // Ends elsewhere (another core, expiry, a disabled user) are found by asking the database now and then.
  const sessionCheck = setInterval(() => {
    void (async () => {
      for (const client of clients) {
        const hash = sessionOf.get(client);
        if (hash && !(await opts.db.sessions.use(hash))) endSession(client);
        const tokenId = tokenOf.get(client);
        if (tokenId && !(await opts.db.apiTokens.isUsable(tokenId))) endToken(client);
      }
    })().catch((err: unknown) => app.log.error({ err }, 'checking live stream credentials failed'));
  }, opts.live.sessionCheckSeconds * 1000);
  sessionCheck.unref();

  app.addHook('onClose', async () => {
    clearInterval(heartbeat);
    clearInterval(sessionCheck);
    stopWatchingSessions();
    stopWatchingTokens();
    unsubscribe();
  });

  app.route<{ Querystring: LiveQuery }>({
    method: 'GET',
    url: '/api/v1/live',
    config: { access: 'viewer' },
    schema: {
      tags: ['live'],
      summary: 'Live event stream (WebSocket)',
      description:
        'Upgrade to a WebSocket to receive the core’s events as JSON messages: agent online/offline, ' +
        'scan results, command status and output, package status, system events. The query is a first ' +
        '`subscribe`: `since` and `stream` replay what was missed, `agents` and `kinds` (comma-separated) ' +
        'filter. See docs/api.md "Live stream" for every message. Without an upgrade the answer is 426.',
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          since: { type: 'string', pattern: '^[0-9]{1,15}$' },
          stream: { type: 'string', maxLength: 64 },
          agents: { type: 'string', maxLength: 40_000 },
          kinds: { type: 'string', maxLength: 1000 },
        },
      },
      response: { 400: errorRef, 426: errorRef, ...authErrors },
    },
    preHandler: async (request: FastifyRequest<{ Querystring: LiveQuery }>, reply: FastifyReply) => {
      const problem = originProblem(request, opts.live.publicUrl);
      if (problem) {
        await opts.events.recordLimited(`live:${remoteAddress(request)}`, {
          type: 'security',
          subtype: 'websocket_origin_refused',
          severity: 'warning',
          component: 'api',
          message: `live stream refused for ${request.caller?.name ?? 'unknown'}: ${problem}`,
          metadata: {
            address: remoteAddress(request),
            origin: request.headers.origin,
            host: request.headers.host,
          },
        });
        return reply.status(403).send({ error: { code: 'bad_origin', message: problem } });
      }
      const first = subscribeFromQuery(request.query);
      if (!first.ok)
        return reply.status(400).send({ error: { code: 'validation_failed', message: first.error } });
    },
    handler: (_request, reply) =>
      reply
        .status(426)
        .header('upgrade', 'websocket')
        .send({
          error: { code: 'upgrade_required', message: 'GET /api/v1/live is a WebSocket: send an upgrade' },
        }),
    wsHandler: (socket: WebSocket, request: FastifyRequest<{ Querystring: LiveQuery }>) => {
      const caller = request.caller!;
      const client = new LiveConnection(socket, maxQueuedBytes, (why) => {
        clients.delete(client);
        void opts.events.recordLimited(`live:${remoteAddress(request)}`, {
          type: 'live',
          subtype: 'client_dropped',
          severity: 'warning',
          component: 'api',
          message: `live stream of ${caller.name} from ${remoteAddress(request)} closed: ${why}`,
          metadata: { address: remoteAddress(request), user: caller.name },
        });
      });
      if (caller.sessionIdHash) sessionOf.set(client, caller.sessionIdHash);
      if (caller.tokenId) tokenOf.set(client, caller.tokenId);
      socket.on('pong', () => {
        client.alive = true;
      });
      socket.on('close', () => {
        client.closed = true;
        clients.delete(client);
      });
      socket.on('message', (data: RawData, isBinary: boolean) => {
        const text = isBinary ? null : data.toString();
        const parsed =
          text === null ? { ok: false as const, error: 'messages are JSON text' } : parseClientMessage(text);
        if (!parsed.ok)
          return client.sendJson({ type: 'error', error: { code: 'bad_message', message: parsed.error } });
        if (parsed.message.type === 'ping') return client.sendJson({ type: 'pong', lastId: bus.lastId });
        client.subscribe(bus, parsed.message);
      });

      client.sendJson({
        type: 'hello',
        stream: bus.stream,
        lastId: bus.lastId,
        heartbeatSeconds: opts.live.heartbeatSeconds,
        kinds: LIVE_EVENT_KINDS,
        caller: { name: caller.name, role: caller.role },
      });
      clients.add(client);
      const first = subscribeFromQuery(request.query);
      if (first.ok && first.message.type === 'subscribe') client.subscribe(bus, first.message);
    },
  });
}
