import type { FastifyInstance } from 'fastify';
import type { RegistrationToken, RegistrationTokenUses } from '../../db/index.js';
import {
  createToken,
  MAX_TOKEN_SEATS,
  revokeToken,
  type TokenContext,
  TokenRequestError,
} from '../../fleet/index.js';
import '../access.js';
import { authErrors, errorRef, uuidParams } from '../schemas.js';
import { notFound } from '../errors.js';

export const tokenSchema = {
  type: 'object',
  required: ['id', 'label', 'seatsTotal', 'seatsUsed', 'expiresAt', 'state', 'createdAt'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    label: { type: 'string' },
    seatsTotal: { type: 'integer' },
    seatsUsed: { type: 'integer' },
    expiresAt: { type: 'string', format: 'date-time' },
    revokedAt: { type: ['string', 'null'], format: 'date-time' },
    createdBy: { type: ['string', 'null'] },
    createdAt: { type: 'string', format: 'date-time' },
    state: {
      type: 'string',
      enum: ['usable', 'used_up', 'expired', 'revoked'],
      description: 'Whether an agent could register with it now, and if not, why',
    },
    uses: {
      type: 'object',
      description:
        'Registrations and rebinds it served, and refused attempts (expired, used up, machine enrolled)',
      properties: {
        registered: { type: 'integer' },
        rebound: { type: 'integer' },
        refused: { type: 'integer' },
        lastUsedAt: { type: ['string', 'null'], format: 'date-time' },
      },
    },
  },
} as const;

const useSchema = {
  type: 'object',
  properties: {
    agentId: { type: ['string', 'null'] },
    outcome: { type: 'string' },
    remoteAddress: { type: ['string', 'null'] },
    usedAt: { type: 'string', format: 'date-time' },
  },
} as const;

function withState<T extends RegistrationToken>(token: T, now = new Date()) {
  const state = token.revokedAt
    ? 'revoked'
    : token.expiresAt <= now
      ? 'expired'
      : token.seatsUsed >= token.seatsTotal
        ? 'used_up'
        : 'usable';
  return { ...token, state };
}

/**
 * Registration tokens for admins (DESIGN.md §3.1), through the same code as `redflag token
 * create|list|revoke`. The token itself is in the creation answer only; the core keeps its hash.
 */
export async function registrationTokenRoutes(app: FastifyInstance, opts: { tokens: TokenContext }) {
  const { db } = opts.tokens;

  app.post<{ Body: { label: string; seats?: number; expires?: string } }>(
    '/api/v1/registration-tokens',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['registration tokens'],
        summary: 'Create a registration token; the token and its install line are in this answer only',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['label'],
          properties: {
            label: { type: 'string', minLength: 1, maxLength: 200 },
            seats: { type: 'integer', minimum: 1, maximum: MAX_TOKEN_SEATS, default: 1 },
            expires: {
              type: 'string',
              pattern: '^\\d{1,6}[mhdw]$',
              default: '24h',
              description:
                'How long it is valid, like `redflag token create --expires`: 30m, 12h, 7d, 2w (at most 366 days)',
            },
          },
        },
        response: {
          201: {
            type: 'object',
            required: ['token', 'install', 'registrationToken'],
            properties: {
              token: { type: 'string' },
              install: { type: 'string', description: 'The one line to paste on a host' },
              registrationToken: tokenSchema,
            },
          },
          400: errorRef,
          ...authErrors,
        },
      },
    },
    async (request, reply) => {
      try {
        const created = await createToken(opts.tokens, {
          label: request.body.label,
          seats: request.body.seats ?? 1,
          expires: request.body.expires ?? '24h',
          createdBy: request.caller!.name,
        });
        const uses: RegistrationTokenUses = { registered: 0, rebound: 0, refused: 0, lastUsedAt: null };
        return reply.status(201).send({
          token: created.token,
          install: created.install,
          registrationToken: { ...withState(created.registrationToken), uses },
        });
      } catch (err) {
        if (err instanceof TokenRequestError)
          return reply.status(400).send({ error: { code: 'validation_failed', message: err.message } });
        throw err;
      }
    },
  );

  app.get(
    '/api/v1/registration-tokens',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['registration tokens'],
        summary: 'Registration tokens with seats used and their uses, newest first (never the tokens)',
        response: { 200: { type: 'array', items: tokenSchema }, ...authErrors },
      },
    },
    async () => {
      const now = new Date();
      return (await db.registration.listTokensWithUses()).map((t) => withState(t, now));
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/registration-tokens/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['registration tokens'],
        summary: 'One registration token and its latest 200 uses (which agent, from where, when)',
        params: uuidParams,
        response: {
          200: {
            type: 'object',
            required: ['registrationToken', 'uses'],
            properties: { registrationToken: tokenSchema, uses: { type: 'array', items: useSchema } },
          },
          404: errorRef,
          ...authErrors,
        },
      },
    },
    async (request, reply) => {
      const token = await db.registration.findToken(request.params.id);
      if (!token) return reply.status(404).send(notFound('registration token', request.params.id));
      return { registrationToken: withState(token), uses: await db.registration.tokenUses(token.id) };
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/v1/registration-tokens/:id/revoke',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['registration tokens'],
        summary: 'Revoke a registration token: agents already registered stay, new registrations are refused',
        params: uuidParams,
        response: { 200: tokenSchema, 404: errorRef, 409: errorRef, ...authErrors },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      if (await revokeToken(opts.tokens, id, request.caller!.name))
        return withState((await db.registration.findToken(id))!);
      const token = await db.registration.findToken(id);
      if (!token) return reply.status(404).send(notFound('registration token', id));
      return reply.status(409).send({
        error: {
          code: 'already_revoked',
          message: `registration token ${id} was revoked at ${token.revokedAt!.toISOString()}`,
        },
      });
    },
  );
}
