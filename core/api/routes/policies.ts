import type { FastifyInstance, FastifyReply } from 'fastify';
import { PACKAGE_SEVERITIES } from '../../../broker/protocol/index.js';
import type { Database, PolicyKind, PolicyMatch } from '../../db/index.js';
import { PolicyError, type PolicyService } from '../../policy/index.js';
import '../access.js';
import { hasRole } from '../auth/roles.js';
import { authErrors, errorRef, uuidParams } from '../schemas.js';
import { notFound } from '../errors.js';

const KINDS = ['hold', 'ignore', 'auto_approve'] as const satisfies readonly PolicyKind[];

const matchSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'Every given field must match; absent ones match anything',
  properties: {
    namePattern: {
      type: 'string',
      minLength: 1,
      maxLength: 200,
      description: 'Package name glob: linux-image-*',
    },
    plugin: { type: 'string', minLength: 1, maxLength: 64 },
    label: { type: 'string', minLength: 1, maxLength: 64, description: 'Agents carrying this label' },
    severities: {
      type: 'array',
      maxItems: 5,
      uniqueItems: true,
      items: { type: 'string', enum: [...PACKAGE_SEVERITIES] },
      description: 'auto_approve only',
    },
    securityOnly: { type: 'boolean', description: 'auto_approve only' },
  },
} as const;

export const policySchema = {
  type: 'object',
  required: ['id', 'kind', 'name', 'match', 'enabled', 'createdAt'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    kind: { type: 'string', enum: [...KINDS] },
    name: { type: 'string' },
    match: matchSchema,
    enabled: { type: 'boolean' },
    createdBy: { type: ['string', 'null'] },
    createdAt: { type: 'string', format: 'date-time' },
  },
} as const;

/** 400 with the policy service's reason (it says what to change). */
export const policyRefused = (reply: FastifyReply, err: unknown) => {
  if (err instanceof PolicyError)
    return reply.status(400).send({ error: { code: 'validation_failed', message: err.message } });
  throw err;
};

/**
 * Auto-approve rules install software on their own, for as long as they exist: they need an
 * admin. A hold or an ignore only stops installs, which an operator may decide.
 */
function autoApproveRefused(reply: FastifyReply, role: Parameters<typeof hasRole>[0]) {
  return hasRole(role, 'admin')
    ? null
    : reply
        .status(403)
        .send({ error: { code: 'forbidden', message: 'auto_approve rules need the admin role' } });
}

/** Hold, ignore and auto-approve rules (DESIGN.md §3.7), through core/policy. */
export async function policyRoutes(app: FastifyInstance, opts: { db: Database; policy: PolicyService }) {
  app.get(
    '/api/v1/policies',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['policies'],
        summary: 'Hold, ignore and auto-approve rules, oldest first',
        response: { 200: { type: 'array', items: policySchema }, ...authErrors },
      },
    },
    () => opts.db.policies.list(),
  );

  app.post<{ Body: { kind: PolicyKind; name: string; match: PolicyMatch } }>(
    '/api/v1/policies',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['policies'],
        summary: 'Add a rule; a hold or ignore applies to open updates at once',
        description: 'auto_approve rules need the admin role.',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['kind', 'name', 'match'],
          properties: {
            kind: { type: 'string', enum: [...KINDS] },
            name: { type: 'string', minLength: 1, maxLength: 200 },
            match: matchSchema,
          },
        },
        response: { 201: policySchema, 400: errorRef, ...authErrors },
      },
    },
    async (request, reply) => {
      if (request.body.kind === 'auto_approve' && autoApproveRefused(reply, request.caller!.role))
        return reply;
      try {
        return reply.status(201).send(await opts.policy.addRule(request.body, request.caller!.name));
      } catch (err) {
        return policyRefused(reply, err);
      }
    },
  );

  app.patch<{ Params: { id: string }; Body: { name?: string; match?: PolicyMatch; enabled?: boolean } }>(
    '/api/v1/policies/:id',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['policies'],
        summary: 'Change a rule (name, match, enabled); its kind stays',
        params: uuidParams,
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 200 },
            match: matchSchema,
            enabled: { type: 'boolean' },
          },
        },
        response: { 200: policySchema, 400: errorRef, 404: errorRef, ...authErrors },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const current = await opts.db.policies.find(id);
      if (!current) return reply.status(404).send(notFound('policy', id));
      if (current.kind === 'auto_approve' && autoApproveRefused(reply, request.caller!.role)) return reply;
      try {
        const updated = await opts.policy.updateRule(id, request.body, request.caller!.name);
        return updated ?? reply.status(404).send(notFound('policy', id));
      } catch (err) {
        return policyRefused(reply, err);
      }
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/api/v1/policies/:id',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['policies'],
        summary: 'Remove a rule; packages it held are released at their agent’s next scan',
        params: uuidParams,
        response: { 204: { type: 'null' }, 404: errorRef, ...authErrors },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const current = await opts.db.policies.find(id);
      if (!current) return reply.status(404).send(notFound('policy', id));
      if (current.kind === 'auto_approve' && autoApproveRefused(reply, request.caller!.role)) return reply;
      if (!(await opts.policy.removeRule(id, request.caller!.name)))
        return reply.status(404).send(notFound('policy', id));
      return reply.status(204).send();
    },
  );
}
