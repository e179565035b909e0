import type { FastifyInstance } from 'fastify';
import type { Database } from '../../db/index.js';
import type { EventRecorder } from '../../events/index.js';
import '../access.js';
import { AccountRequestError, completeSetup } from '../auth/accounts.js';
import { decoyHash, newSecret, sha256, verifyPassword } from '../auth/secrets.js';
import { clearSessionCookie, csrfTokenFor, sessionIdFrom, setSessionCookie } from '../auth/session-cookie.js';
import { remoteAddress } from '../auth/authenticate.js';
import { authErrors, errorRef, roleSchema, userSchema } from '../schemas.js';

export interface AuthRoutesOptions {
  db: Database;
  events: EventRecorder;
  sessionHours: number;
}

const credentials = {
  type: 'object',
  additionalProperties: false,
  required: ['username', 'password'],
  properties: {
    username: { type: 'string', minLength: 1, maxLength: 64 },
    password: { type: 'string', minLength: 1, maxLength: 1024 },
  },
} as const;

export const sessionAnswer = {
  type: 'object',
  required: ['user', 'kind'],
  properties: {
    kind: { type: 'string', enum: ['session', 'token', 'ingress'] },
    user: {
      type: 'object',
      required: ['username', 'role'],
      properties: {
        id: { type: ['string', 'null'] },
        username: { type: 'string' },
        role: roleSchema,
      },
    },
    csrfToken: { type: 'string', description: 'Send as X-CSRF-Token on POST/PUT/PATCH/DELETE' },
    expiresAt: { type: 'string', format: 'date-time' },
  },
} as const;

/** First-run setup, sign-in and sign-out (issue 5). */
export async function authRoutes(app: FastifyInstance, opts: AuthRoutesOptions) {
  app.get(
    '/api/v1/auth/status',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Whether the first admin still has to be created, and who the caller is',
        response: {
          200: {
            type: 'object',
            required: ['setupRequired', 'signedIn'],
            properties: { setupRequired: { type: 'boolean' }, signedIn: { type: 'boolean' } },
          },
        },
      },
    },
    async (request) => ({
      setupRequired: (await opts.db.users.count()) === 0,
      signedIn: request.caller !== null,
    }),
  );

  app.post<{ Body: { token: string; username: string; password: string } }>(
    '/api/v1/auth/setup',
    {
      config: { access: 'public', countsFailures: true },
      schema: {
        tags: ['auth'],
        summary: 'Create the first admin with the one-time setup token printed at first start',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['token', 'username', 'password'],
          properties: {
            token: { type: 'string', minLength: 1, maxLength: 200 },
            username: credentials.properties.username,
            password: credentials.properties.password,
          },
        },
        response: {
          201: { type: 'object', required: ['user'], properties: { user: userSchema } },
          400: errorRef,
          401: errorRef,
          409: errorRef,
          429: errorRef,
        },
      },
    },
    async (request, reply) => {
      try {
        const user = await completeSetup(opts, request.body);
        return reply.status(201).send({ user });
      } catch (err) {
        if (err instanceof AccountRequestError)
          return reply.status(err.status).send({ error: { code: err.code, message: err.message } });
        throw err;
      }
    },
  );

  app.post<{ Body: { username: string; password: string } }>(
    '/api/v1/auth/login',
    {
      config: { access: 'public', countsFailures: true },
      schema: {
        tags: ['auth'],
        summary: 'Sign in: sets the httpOnly session cookie and returns the CSRF token',
        body: credentials,
        response: { 200: sessionAnswer, 400: errorRef, 401: errorRef, 429: errorRef },
      },
    },
    async (request, reply) => {
      const { username, password } = request.body;
      const found = await opts.db.users.passwordHashOf(username);
      // Check a hash even for unknown users, so the answer time does not tell which names exist.
      const ok = await verifyPassword(password, found?.passwordHash ?? (await decoyHash()));
      if (!found || !found.passwordHash || !ok || found.user.disabled) {
        await opts.events.recordLimited(`login:${remoteAddress(request)}`, {
          type: 'security',
          subtype: 'login_failed',
          severity: 'info',
          component: 'auth',
          message: `failed sign-in as "${username.slice(0, 64)}" from ${remoteAddress(request)}`,
          metadata: { address: remoteAddress(request), username: username.slice(0, 64) },
        });
        return reply
          .status(401)
          .send({ error: { code: 'invalid_credentials', message: 'wrong username or password' } });
      }
      const sessionId = newSecret();
      const csrfToken = csrfTokenFor(sessionId);
      const expiresAt = new Date(Date.now() + opts.sessionHours * 3600_000);
      await opts.db.sessions.create({
        idHash: sha256(sessionId),
        userId: found.user.id,
        csrfTokenHash: sha256(csrfToken),
        remoteAddress: remoteAddress(request),
        userAgent: request.headers['user-agent']?.slice(0, 500) ?? null,
        expiresAt,
      });
      await opts.db.users.touchLogin(found.user.id);
      setSessionCookie(request, reply, sessionId, opts.sessionHours * 3600);
      return {
        kind: 'session' as const,
        user: { id: found.user.id, username: found.user.username, role: found.user.role },
        csrfToken,
        expiresAt: expiresAt.toISOString(),
      };
    },
  );

  app.get(
    '/api/v1/auth/session',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['auth'],
        summary: 'Who is signed in (and the CSRF token again, after a page reload)',
        response: { 200: sessionAnswer, ...authErrors },
      },
    },
    async (request) => {
      const caller = request.caller!;
      const sessionId = caller.kind === 'session' ? sessionIdFrom(request) : null;
      return {
        kind: caller.kind,
        user: { id: caller.userId, username: caller.name, role: caller.role },
        ...(sessionId ? { csrfToken: csrfTokenFor(sessionId) } : {}),
      };
    },
  );

  app.post(
    '/api/v1/auth/logout',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['auth'],
        summary: 'End this session',
        response: { 204: { type: 'null' }, ...authErrors },
      },
    },
    async (request, reply) => {
      if (request.caller?.sessionIdHash) await opts.db.sessions.delete(request.caller.sessionIdHash);
      clearSessionCookie(reply);
      return reply.status(204).send();
    },
  );
}
