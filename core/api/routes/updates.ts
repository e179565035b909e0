import type { FastifyInstance } from 'fastify';
import type { Database, PackageRef, PackageStatus } from '../../db/index.js';
import type { InstallWorkflow } from '../../updates/index.js';
import '../access.js';
import { authErrors, errorRef } from '../schemas.js';

const STATUSES = [
  'pending',
  'approved',
  'checking_dependencies',
  'pending_dependencies',
  'installing',
  'updated',
  'failed',
  'ignored',
  'held',
  'resolved',
] as const satisfies readonly PackageStatus[];

const refSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['agentId', 'plugin', 'name'],
  properties: {
    agentId: { type: 'string', format: 'uuid' },
    plugin: { type: 'string', minLength: 1, maxLength: 64 },
    name: { type: 'string', minLength: 1, maxLength: 512 },
    arch: { type: 'string', maxLength: 64, default: '' },
  },
} as const;

const packageSchema = {
  type: 'object',
  required: ['agentId', 'plugin', 'name', 'arch', 'status'],
  properties: {
    agentId: { type: 'string' },
    plugin: { type: 'string' },
    name: { type: 'string' },
    arch: { type: 'string' },
    currentVersion: { type: ['string', 'null'] },
    availableVersion: { type: ['string', 'null'] },
    severity: { type: 'string' },
    security: { type: 'boolean' },
    source: { type: ['string', 'null'] },
    rebootRequired: { type: 'boolean' },
    status: { type: 'string', enum: [...STATUSES] },
    metadata: { type: 'object', additionalProperties: true },
    firstSeenAt: { type: 'string', format: 'date-time' },
    lastSeenAt: { type: 'string', format: 'date-time' },
    statusChangedAt: { type: 'string', format: 'date-time' },
  },
} as const;

/** The page cursor is the last row's key, opaque to clients. */
const encodeCursor = (ref: PackageRef) =>
  Buffer.from(JSON.stringify([ref.agentId, ref.plugin, ref.name, ref.arch])).toString('base64url');

function decodeCursor(cursor: string): PackageRef | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 4 || !parsed.every((p) => typeof p === 'string'))
      return null;
    const [agentId, plugin, name, arch] = parsed as [string, string, string, string];
    if (!/^[0-9a-f-]{36}$/i.test(agentId)) return null;
    return { agentId, plugin, name, arch };
  } catch {
    return null;
  }
}

export async function updateRoutes(app: FastifyInstance, opts: { db: Database; workflow: InstallWorkflow }) {
  app.get<{ Querystring: { agent?: string; status?: PackageStatus; cursor?: string; limit: number } }>(
    '/api/v1/updates',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['updates'],
        summary: 'Package states, one page at a time (pass `nextCursor` back as `cursor`)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            agent: { type: 'string', format: 'uuid' },
            status: { type: 'string', enum: [...STATUSES] },
            cursor: { type: 'string', maxLength: 2000 },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 200 },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['items', 'nextCursor'],
            properties: {
              items: { type: 'array', items: packageSchema },
              nextCursor: { type: ['string', 'null'] },
            },
          },
          400: errorRef,
          ...authErrors,
        },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const after = q.cursor ? decodeCursor(q.cursor) : null;
      if (q.cursor && !after)
        return reply
          .status(400)
          .send({ error: { code: 'invalid_cursor', message: 'cursor is not one this API gave' } });
      const items = await opts.db.packages.page({
        agentId: q.agent,
        status: q.status,
        after,
        limit: q.limit,
      });
      const last = items.at(-1);
      return { items, nextCursor: items.length === q.limit && last ? encodeCursor(last) : null };
    },
  );

  app.post<{ Body: { packages: PackageRef[] } }>(
    '/api/v1/updates/approve',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['updates'],
        summary: 'Approve updates: a dry run follows, then the install (DESIGN.md §3.7)',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['packages'],
          properties: { packages: { type: 'array', minItems: 1, maxItems: 5000, items: refSchema } },
        },
        response: {
          200: {
            type: 'object',
            required: ['approved', 'refused'],
            properties: {
              approved: { type: 'array', items: refSchema },
              refused: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    ref: refSchema,
                    from: { type: ['string', 'null'] },
                    why: { type: 'string' },
                  },
                },
              },
            },
          },
          400: errorRef,
          ...authErrors,
        },
      },
    },
    async (request) => opts.workflow.approve(request.body.packages, request.caller!.name),
  );
}
