import type { FastifyInstance, FastifyReply } from 'fastify';
import {
  cursorArity,
  type Database,
  defaultOrderOf,
  type PackageRef,
  type SortOrder,
  type UpdateCursorKey,
  type UpdateFilter,
  type UpdateSort,
} from '../../db/index.js';
import type { EventRecorder } from '../../events/index.js';
import {
  type BulkTarget,
  createBulkActions,
  type InstallWorkflow,
  TooManyPackagesError,
  TransactionChangedError,
} from '../../updates/index.js';
import '../access.js';
import { invalidCursor, pageSchema } from '../query.js';
import { authErrors, errorRef, oneFieldAnswer } from '../schemas.js';
import { notFound } from '../errors.js';
import {
  bulkBodySchema,
  bulkResponse,
  confirmBodySchema,
  confirmResponse,
  type FilterQuery,
  filterOf,
  splitCommaValues,
  rejectBodySchema,
  rejectResponse,
  type UpdateListQuery,
  updateCountQuery,
  updateDetailSchema,
  updateItemSchema,
  updateListQuery,
} from './update-schemas.js';

/**
 * The page cursor: the sort it was made for and the last row's key values, opaque to clients.
 * A cursor is only valid with the sort and order it came from.
 */
const encodeCursor = (sort: UpdateSort, order: SortOrder, key: UpdateCursorKey) =>
  Buffer.from(JSON.stringify({ s: sort, o: order, k: key })).toString('base64url');

function decodeCursor(
  cursor: string,
  sort: UpdateSort,
  order: SortOrder,
): UpdateCursorKey | 'other-sort' | null {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as {
      s?: unknown;
      o?: unknown;
      k?: unknown;
    };
    if (!Array.isArray(parsed.k) || !parsed.k.every((v) => typeof v === 'string' || typeof v === 'number'))
      return null;
    if (parsed.s !== sort || parsed.o !== order) return 'other-sort';
    if (parsed.k.length !== cursorArity(sort)) return null;
    return parsed.k as UpdateCursorKey;
  } catch {
    return null;
  }
}

type BulkBody = { packages: PackageRef[] } | { ids: string[] } | { filter: FilterQuery };

function targetOf(body: BulkBody): BulkTarget {
  if ('filter' in body) return { filter: filterOf(body.filter) as UpdateFilter };
  return body;
}

function bulkFailure(err: unknown, reply: FastifyReply) {
  if (err instanceof TooManyPackagesError)
    return reply.status(400).send({
      error: { code: 'too_many_packages', message: err.message, details: { matchedAtLeast: err.matched } },
    });
  throw err;
}

export async function updateRoutes(
  app: FastifyInstance,
  opts: { db: Database; workflow: InstallWorkflow; events: EventRecorder },
) {
  const bulk = createBulkActions({ db: opts.db, events: opts.events, workflow: opts.workflow });

  app.get<{ Querystring: UpdateListQuery }>(
    '/api/v1/updates',
    {
      config: { access: 'viewer' },
      preValidation: async (request) => splitCommaValues(request.query as unknown as Record<string, unknown>),
      schema: {
        tags: ['updates'],
        summary:
          'Package states, filtered and sorted, one keyset page at a time (pass `nextCursor` back as `cursor`)',
        querystring: updateListQuery,
        response: {
          200: pageSchema(updateItemSchema),
          400: errorRef,
          ...authErrors,
        },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const order = q.order ?? defaultOrderOf(q.sort);
      const after = q.cursor ? decodeCursor(q.cursor, q.sort, order) : null;
      if (after === 'other-sort')
        return reply.status(400).send({
          error: { code: 'invalid_cursor', message: 'the cursor belongs to another sort or order' },
        });
      if (q.cursor && !after) return reply.status(400).send(invalidCursor);
      const page = await opts.db.updates.page({
        filter: filterOf(q),
        sort: q.sort,
        order,
        limit: q.limit,
        after,
      });
      return { items: page.items, nextCursor: page.next ? encodeCursor(q.sort, order, page.next) : null };
    },
  );

  app.get<{ Querystring: FilterQuery }>(
    '/api/v1/updates/count',
    {
      config: { access: 'viewer' },
      preValidation: async (request) => splitCommaValues(request.query as unknown as Record<string, unknown>),
      schema: {
        tags: ['updates'],
        summary: 'How many package states match the filter (the same query as the list, without paging)',
        querystring: updateCountQuery,
        response: {
          200: oneFieldAnswer('count', 'integer'),
          400: errorRef,
          ...authErrors,
        },
      },
    },
    async (request) => ({ count: await opts.db.updates.count(filterOf(request.query)) }),
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/updates/:id',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['updates'],
        summary: 'One package of one host with its install history, events and waiting transaction',
        params: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string', pattern: '^[0-9]{1,18}$' } },
        },
        response: { 200: updateDetailSchema, 404: errorRef, ...authErrors },
      },
    },
    async (request, reply) => {
      const item = await opts.db.updates.findById(request.params.id);
      if (!item) return reply.status(404).send(notFound('package', request.params.id));
      const [history, events] = await Promise.all([
        opts.db.updates.installHistory(item, 100),
        opts.db.updates.events(item, 200),
      ]);
      const deps = item.dependencies ?? {};
      const { dependencies: _deps, ...rest } = item;
      return {
        ...rest,
        dryRunCommandId: typeof deps.dryRunCommandId === 'string' ? deps.dryRunCommandId : null,
        installCommandId: typeof deps.installCommandId === 'string' ? deps.installCommandId : null,
        transaction:
          item.status === 'pending_dependencies' && deps.transaction
            ? { ...(deps.transaction as object), extras: deps.extras ?? {} }
            : null,
        history,
        events,
      };
    },
  );

  const bulkRoute = (
    path: string,
    summary: string,
    lists: string[],
    run: (t: BulkTarget, by: string) => Promise<unknown>,
  ) =>
    app.post<{ Body: BulkBody }>(
      path,
      {
        config: { access: 'operator' },
        schema: {
          tags: ['updates'],
          summary,
          body: bulkBodySchema,
          response: { 200: bulkResponse(...lists), 400: errorRef, ...authErrors },
        },
      },
      async (request, reply) => {
        try {
          return await run(targetOf(request.body), request.caller!.name);
        } catch (err) {
          return bulkFailure(err, reply);
        }
      },
    );

  bulkRoute(
    '/api/v1/updates/approve',
    'Approve updates (by keys, ids or filter): a dry run follows, then the install (DESIGN.md §3.7)',
    ['approved'],
    (t, by) => bulk.approve(t, by),
  );
  bulkRoute('/api/v1/updates/ignore', 'Set updates aside (by keys, ids or filter)', ['ignored'], (t, by) =>
    bulk.ignore(t, by),
  );
  bulkRoute(
    '/api/v1/updates/install',
    'Install updates (by keys, ids or filter): confirms waiting transactions, approves pending and failed ones',
    ['installing', 'approved'],
    (t, by) => bulk.install(t, by),
  );

  app.post<{ Body: { agentId: string; plugin: string; dryRunCommandId?: string } }>(
    '/api/v1/updates/confirm',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['updates'],
        summary:
          'Accept the dry-run transaction waiting for confirmation on one host for one package manager, removals included: the whole set it was computed for installs, carrying it',
        body: confirmBodySchema,
        response: { 200: confirmResponse, 400: errorRef, 409: errorRef, ...authErrors },
      },
    },
    async (request, reply) => {
      const { agentId, plugin, dryRunCommandId } = request.body;
      let confirmed: number;
      try {
        confirmed = await opts.workflow.confirm(agentId, plugin, request.caller!.name, dryRunCommandId);
      } catch (err) {
        if (!(err instanceof TransactionChangedError)) throw err;
        return reply.status(409).send({
          error: {
            code: 'transaction_changed',
            message: err.message,
            details: { reviewed: err.reviewed, waiting: err.waiting },
          },
        });
      }
      if (confirmed === 0)
        return reply.status(409).send({
          error: {
            code: 'nothing_waiting',
            message: `no ${plugin} transaction waits for confirmation on that host`,
          },
        });
      return { confirmed };
    },
  );

  app.post<{ Body: { agentId: string; plugin: string } }>(
    '/api/v1/updates/reject',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['updates'],
        summary:
          'Refuse the dry-run transaction waiting for confirmation on one host for one package manager: its packages go back to pending',
        body: rejectBodySchema,
        response: { 200: rejectResponse, 400: errorRef, 409: errorRef, ...authErrors },
      },
    },
    async (request, reply) => {
      const { agentId, plugin } = request.body;
      const rejected = await opts.workflow.reject(agentId, plugin, request.caller!.name);
      // Confirmed or rejected by someone else meanwhile: say so rather than answer "0 done".
      if (rejected === 0)
        return reply.status(409).send({
          error: {
            code: 'nothing_waiting',
            message: `no ${plugin} transaction waits for confirmation on that host`,
          },
        });
      return { rejected };
    },
  );
}
