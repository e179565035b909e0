import type { FastifyInstance } from 'fastify';
import type { CorePluginHost } from '../../plugins/index.js';
import '../access.js';
import { authErrors, errorRef } from '../schemas.js';

const pluginInfoSchema = {
  type: 'object',
  required: ['name', 'kind', 'version', 'state', 'lastError'],
  properties: {
    name: { type: 'string' },
    kind: { type: ['string', 'null'], enum: ['integration', 'notifier', null] },
    version: { type: ['string', 'null'] },
    state: {
      type: 'string',
      enum: ['active', 'refused', 'failed', 'disabled', 'stopped'],
      description:
        'active: running. refused: not loaded (apiVersion, config, kind). failed: its module, migrations or ' +
        'create() failed. disabled: it threw at start or in a handler, job or listener. stopped: the core is stopping.',
    },
    lastError: {
      type: ['string', 'null'],
      description: 'Why it is not active, or its last reported failure',
    },
  },
} as const;

/**
 * GET /api/v1/plugins, and every route the core's plugins declared, under
 * /api/v1/plugins/<name>/ with the role and schemas they declared (issue 22 §4), so the route
 * access test and the OpenAPI document see them like any other.
 */
export async function pluginRoutes(app: FastifyInstance, opts: { plugins: CorePluginHost }) {
  app.get(
    '/api/v1/plugins',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['plugins'],
        summary:
          "The core's integration and notifier plugins (config.yaml `plugins.enabled`), with their state",
        response: {
          200: {
            type: 'object',
            required: ['items'],
            properties: { items: { type: 'array', items: pluginInfoSchema } },
          },
          ...authErrors,
        },
      },
    },
    async () => ({ items: opts.plugins.list() }),
  );

  for (const { plugin, route } of opts.plugins.routes()) {
    const { params, querystring, body, response } = route.schema;
    app.route({
      method: route.method,
      url: `/api/v1/plugins/${plugin}${route.path === '/' ? '' : route.path}`,
      config: { access: route.role },
      schema: {
        tags: [`plugin ${plugin}`],
        summary: route.summary,
        ...(params ? { params } : {}),
        ...(querystring ? { querystring } : {}),
        ...(body ? { body } : {}),
        response: { 200: response, 500: errorRef, 502: errorRef, 503: errorRef, ...authErrors },
      },
      handler: async (request, reply) => {
        const answer = await opts.plugins.handle(plugin, route, {
          params: (request.params ?? {}) as Record<string, string>,
          query: (request.query ?? {}) as Record<string, unknown>,
          body: request.body ?? null,
          caller: { name: request.caller!.name, role: request.caller!.role },
        });
        if (answer.status === 200) return answer.body;
        return reply.status(answer.status).send({ error: answer.error });
      },
    });
  }
}
