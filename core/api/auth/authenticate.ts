import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Database, Role } from '../../db/index.js';
import type { EventRecorder } from '../../events/index.js';
import type { Access } from '../access.js';
import '../cors.js';
import { INGRESS_PREFIX } from './accounts.js';
import type { FailureLimiter } from './failure-limiter.js';
import { hasRole } from './roles.js';
import { sameSecret, sha256 } from './secrets.js';
import { CSRF_HEADER, sessionIdFrom } from './session-cookie.js';

/** Who is calling, once the auth hook has resolved it. */
export interface Caller {
  kind: 'session' | 'token' | 'ingress';
  role: Role;
  userId: string | null;
  /** For event history: "alice", "token:<id>", "ha:bob". */
  name: string;
  /** Set for cookie sessions (logout ends this one). */
  sessionIdHash?: string;
  /** Set for bearer tokens (revoking it ends what it opened). */
  tokenId?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller | null;
  }
}

export interface IngressOptions {
  enabled: boolean;
  trustedProxy: string;
  role: Role;
}

export interface AuthContext {
  db: Database;
  events: EventRecorder;
  limiter: FailureLimiter;
  ingress: IngressOptions;
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const refuse = (reply: FastifyReply, status: number, code: string, message: string) =>
  reply.status(status).send({ error: { code, message } });

/** The socket's address; never X-Forwarded-For, which anyone can send. */
export function remoteAddress(request: FastifyRequest): string {
  const address = request.socket.remoteAddress ?? request.ip;
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/**
 * Resolves the caller of every request (session cookie, bearer token, or Home Assistant ingress
 * headers from the trusted proxy) and enforces the route's `config.access` (DESIGN.md §6).
 * A route without a declaration is treated as admin-only: forgetting fails closed.
 */
export function installAuth(app: FastifyInstance, ctx: AuthContext) {
  app.decorateRequest('caller', null);

  app.addHook('onRequest', async (request, reply) => {
    if (request.is404) return;
    const config = request.routeOptions.config;
    const access: Access = config.access ?? 'admin';

    if (config.access === 'registration-token' || config.countsFailures) {
      const wait = ctx.limiter.blockedFor(limiterKey(request));
      if (wait > 0) {
        await ctx.events.recordLimited(`auth:${remoteAddress(request)}`, {
          type: 'security',
          subtype: 'rate_limited',
          severity: 'warning',
          component: 'auth',
          message: `${request.method} ${request.routeOptions.url ?? request.url} from ${remoteAddress(request)} refused: too many failures`,
          metadata: { address: remoteAddress(request), route: request.routeOptions.url, retryAfter: wait },
        });
        reply.header('retry-after', String(wait));
        return refuse(
          reply,
          429,
          'too_many_failures',
          `too many failures from this address; retry in ${wait} s`,
        );
      }
    }
    if (access === 'registration-token') return;
    if (access === 'public') {
      // Public routes may still want to know who calls (GET /api/v1/auth/status), ingress users included.
      if (request.headers.authorization || request.headers.cookie || ingressApiCall(ctx, request))
        request.caller = await resolveCaller(ctx, request).catch(() => null);
      return;
    }

    let caller: Caller | null;
    try {
      caller = await resolveCaller(ctx, request);
    } catch (err) {
      if (err instanceof AuthFailure) return refuse(reply, err.status, err.code, err.message);
      throw err;
    }
    if (!caller) return refuse(reply, 401, 'unauthenticated', 'sign in or send a bearer token');
    if (!hasRole(caller.role, access))
      return refuse(reply, 403, 'forbidden', `this needs the ${access} role; you have ${caller.role}`);
    request.caller = caller;
  });

  // Failures are counted after the answer, whatever code refused (wrong password, bad token, bad body).
  app.addHook('onResponse', async (request, reply) => {
    const config = request.routeOptions.config;
    if (request.is404 || !(config.access === 'registration-token' || config.countsFailures)) return;
    const key = limiterKey(request);
    // Guesses count: a wrong or malformed credential (401, 400). A real registration token that is
    // used up or expired (403, 409) is a fleet being enrolled, not an attack, and must not lock it out.
    if (reply.statusCode === 400 || reply.statusCode === 401) {
      if (ctx.limiter.fail(key))
        await ctx.events.record({
          type: 'security',
          subtype: 'too_many_failures',
          severity: 'warning',
          component: 'auth',
          message: `too many failed ${config.access === 'registration-token' ? 'registrations' : 'sign-ins'} from ${remoteAddress(request)}; refusing it for a while`,
          metadata: { address: remoteAddress(request), route: request.routeOptions.url },
        });
    } else if (reply.statusCode < 400 && config.countsFailures) ctx.limiter.reset(key);
  });
}

function limiterKey(request: FastifyRequest): string {
  const kind = request.routeOptions.config.access === 'registration-token' ? 'register' : 'login';
  return `${kind}:${remoteAddress(request)}`;
}

class AuthFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function resolveCaller(ctx: AuthContext, request: FastifyRequest): Promise<Caller | null> {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match) throw new AuthFailure(401, 'unauthenticated', 'Authorization must be "Bearer <token>"');
    const token = await ctx.db.apiTokens.use(sha256(match[1]!));
    if (!token) throw new AuthFailure(401, 'unauthenticated', 'the API token is unknown, revoked or expired');
    return {
      kind: 'token',
      role: token.role,
      userId: token.userId,
      name: `token:${token.id}`,
      tokenId: token.id,
    };
  }

  const sessionId = sessionIdFrom(request);
  // A page on another origin that http.corsOrigins lets in calls with a bearer token only (cors.ts).
  if (request.crossOrigin) {
    if (sessionId)
      throw new AuthFailure(
        401,
        'unauthenticated',
        `a request from ${request.crossOrigin} authenticates with Authorization: Bearer only, not the session cookie`,
      );
    return null;
  }
  if (sessionId) {
    const idHash = sha256(sessionId);
    const session = await ctx.db.sessions.use(idHash);
    if (!session) throw new AuthFailure(401, 'unauthenticated', 'the session has ended; sign in again');
    // Cookies go with every request a browser makes, even one another site triggers: changes need the header too.
    if (UNSAFE_METHODS.has(request.method)) {
      const header = request.headers[CSRF_HEADER];
      if (typeof header !== 'string' || !sameSecret(sha256(header), session.csrfTokenHash))
        throw new AuthFailure(403, 'csrf_failed', `${CSRF_HEADER} header missing or wrong`);
    }
    return {
      kind: 'session',
      role: session.role,
      userId: session.userId,
      name: session.username,
      sessionIdHash: idHash,
    };
  }

  return ingressCaller(ctx, request);
}

/** An API call the ingress proxy signed a user in for (not the panel's page and assets). */
function ingressApiCall(ctx: AuthContext, request: FastifyRequest): boolean {
  return ctx.ingress.enabled && request.url.startsWith('/api/v1/') && !!request.headers['x-remote-user-name'];
}

/**
 * Home Assistant ingress: the Supervisor's proxy has signed the user in and names them in
 * X-Remote-User-* headers. Only that address is believed; from anywhere else the headers are ignored.
 */
async function ingressCaller(ctx: AuthContext, request: FastifyRequest): Promise<Caller | null> {
  if (!ctx.ingress.enabled || remoteAddress(request) !== ctx.ingress.trustedProxy) return null;
  const name = request.headers['x-remote-user-name'];
  const id = request.headers['x-remote-user-id'];
  if (typeof name !== 'string' || name === '' || typeof id !== 'string') return null;
  const username = `${INGRESS_PREFIX}${name.slice(0, 64)}`;
  const display = request.headers['x-remote-user-display-name'];
  let user = await ctx.db.users.findByUsername(username);
  if (!user) {
    // A fresh add-on has no users and nobody to run the setup page: its first user administers it,
    // as whoever completes the setup would (only HA admins see the panel by default).
    const role: Role = (await ctx.db.users.count()) === 0 ? 'admin' : ctx.ingress.role;
    user =
      (await ctx.db.users.create({
        username,
        passwordHash: null,
        role,
        displayName: typeof display === 'string' ? display.slice(0, 200) : null,
      })) ?? (await ctx.db.users.findByUsername(username));
    if (user)
      await ctx.events.record({
        type: 'security',
        subtype: 'user_added',
        severity: 'info',
        component: 'auth',
        message: `Home Assistant user ${name} came in through ingress as ${username} (${user.role})`,
        metadata: { userId: user.id, username, role: user.role, haUserId: id, by: 'ingress' },
      });
  }
  if (!user || user.disabled) throw new AuthFailure(403, 'forbidden', `user ${username} is disabled`);
  // auth.ingress.role is only where a new user starts: an admin's promotion (or demotion) lasts.
  return { kind: 'ingress', role: user.role, userId: user.id, name: username };
}
