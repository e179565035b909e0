import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Database } from '../../db/index.js';
import type { EventRecorder } from '../../events/index.js';
import '../access.js';
import {
  AccountRequestError,
  addUser,
  changeUser,
  createApiToken,
  revokeApiToken,
} from '../auth/accounts.js';
import {
  apiTokenSchema,
  authErrors,
  errorRef,
  oneFieldAnswer,
  roleSchema,
  userSchema,
  uuidParams,
} from '../schemas.js';

const refused = (reply: FastifyReply, err: unknown) => {
  if (err instanceof AccountRequestError)
    return reply.status(err.status).send({ error: { code: err.code, message: err.message } });
  throw err;
};

/** Users and API tokens for admins in the panel (the command line has the same operations). */
export async function accountRoutes(app: FastifyInstance, opts: { db: Database; events: EventRecorder }) {
  app.get(
    '/api/v1/users',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['access'],
        summary: 'List users',
        response: { 200: { type: 'array', items: userSchema }, ...authErrors },
      },
    },
    () => opts.db.users.list(),
  );

  app.post<{ Body: { username: string; password: string; role: string } }>(
    '/api/v1/users',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['access'],
        summary: 'Add a user',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['username', 'password', 'role'],
          properties: {
            username: { type: 'string', maxLength: 64 },
            password: { type: 'string', minLength: 8, maxLength: 1024 },
            role: roleSchema,
          },
        },
        response: { 201: userSchema, 400: errorRef, 409: errorRef, ...authErrors },
      },
    },
    async (request, reply) => {
      try {
        return reply.status(201).send(await addUser(opts, request.body, request.caller!.name));
      } catch (err) {
        return refused(reply, err);
      }
    },
  );

  app.patch<{ Params: { id: string }; Body: { role?: string; disabled?: boolean } }>(
    '/api/v1/users/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['access'],
        summary: "Change a user's role, or disable or enable them",
        description:
          'Disabling ends their sessions (open live streams close with 4001) and stops their API tokens. ' +
          'Refused with 409 `last_admin` when no enabled admin would be left. A Home Assistant user ' +
          '(`ha:<name>`) starts with auth.ingress.role and keeps the role given here.',
        params: uuidParams,
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: {
            role: roleSchema,
            disabled: { type: 'boolean' },
          },
        },
        response: { 200: userSchema, 400: errorRef, 404: errorRef, 409: errorRef, ...authErrors },
      },
    },
    async (request, reply) => {
      try {
        return await changeUser(opts, { id: request.params.id }, request.body, request.caller!.name);
      } catch (err) {
        return refused(reply, err);
      }
    },
  );

  app.get(
    '/api/v1/api-tokens',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['access'],
        summary: 'List API tokens (never the tokens themselves)',
        response: { 200: { type: 'array', items: apiTokenSchema }, ...authErrors },
      },
    },
    () => opts.db.apiTokens.list(),
  );

  app.post<{ Body: { name: string; role: string } }>(
    '/api/v1/api-tokens',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['access'],
        summary: 'Create an API token; the token is in this answer only',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'role'],
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 100 },
            role: roleSchema,
          },
        },
        response: {
          201: {
            type: 'object',
            required: ['token', 'apiToken'],
            properties: { token: { type: 'string' }, apiToken: apiTokenSchema },
          },
          400: errorRef,
          ...authErrors,
        },
      },
    },
    async (request, reply) => {
      try {
        const caller = request.caller!;
        const created = await createApiToken(opts, { ...request.body, userId: caller.userId }, caller.name);
        return reply.status(201).send(created);
      } catch (err) {
        return refused(reply, err);
      }
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/v1/api-tokens/:id/revoke',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['access'],
        summary: 'Revoke an API token: it answers 401 from now on',
        params: uuidParams,
        response: {
          200: oneFieldAnswer('revoked', 'string'),
          404: errorRef,
          ...authErrors,
        },
      },
    },
    async (request, reply) => {
      try {
        await revokeApiToken(opts, request.params.id, request.caller!.name);
        return { revoked: request.params.id };
      } catch (err) {
        return refused(reply, err);
      }
    },
  );
}
