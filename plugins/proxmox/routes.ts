import { type CorePluginContext, type JsonSchema, PluginError } from '../sdk/index.js';
import { type ActionRequest, actionBodySchema, actionReportSchema, type createActions } from './actions.js';
import type { createEnrollment, EnrollmentScope } from './enrollment.js';
import type { Inventory } from './inventory.js';
import type { Sync } from './sync.js';
import { buildTree, treeSchema } from './tree.js';

const nullableString = { type: ['string', 'null'] };

/** Well under the host's 60 s for a route, past which it would disable the plugin. */
const DISCOVER_WAIT_MS = 45_000;

const syncReportSchema: JsonSchema = {
  type: 'object',
  required: ['endpoints', 'matched'],
  properties: {
    matched: { type: 'integer' },
    /** Still running after the route's wait: read the tree later. */
    running: { type: 'boolean' },
    endpoints: {
      type: 'array',
      items: {
        type: 'object',
        required: ['endpoint', 'ok', 'guests', 'error', 'code'],
        properties: {
          endpoint: { type: 'string' },
          ok: { type: 'boolean' },
          guests: { type: 'integer' },
          error: nullableString,
          code: nullableString,
        },
      },
    },
  },
};

const guestParams: JsonSchema = {
  type: 'object',
  required: ['endpoint', 'vmid'],
  properties: { endpoint: { type: 'string', maxLength: 64 }, vmid: { type: 'integer', minimum: 1 } },
};

const linkAnswer: JsonSchema = {
  type: 'object',
  required: ['endpoint', 'vmid', 'agentId', 'link'],
  properties: {
    endpoint: { type: 'string' },
    vmid: { type: 'integer' },
    agentId: nullableString,
    link: nullableString,
  },
};

/** The plugin's API under /api/v1/plugins/proxmox/ (docs/plugins.md "Proxmox"). */
export function declareRoutes(
  ctx: CorePluginContext,
  store: Inventory,
  sync: Sync,
  actions: ReturnType<typeof createActions>,
  enrollment: ReturnType<typeof createEnrollment>,
): void {
  const guestOf = async (params: Record<string, string>) => {
    const vmid = Number(params.vmid);
    const guest = (await store.guests()).find((g) => g.endpoint === params.endpoint && g.vmid === vmid);
    if (!guest)
      throw new PluginError(`no guest ${params.vmid} on endpoint ${params.endpoint}`, { code: 'not_found' });
    return guest;
  };

  ctx.routes.add({
    method: 'POST',
    path: '/discover',
    role: 'operator',
    summary: 'Discover every Proxmox endpoint now and match guests to agents',
    schema: { response: syncReportSchema },
    async handler() {
      // Under the host's time limit for a route (a slow endpoint could take longer): the run
      // goes on, on the plugin's own signal, and the job's next report or the tree shows it.
      const run = sync.run(ctx.signal);
      run.catch((err: unknown) => ctx.logger.error(`discovery failed: ${String(err)}`));
      const stopWaiting = new AbortController();
      const waited = await Promise.race([
        run,
        ctx.clock.sleep(DISCOVER_WAIT_MS, stopWaiting.signal).then(
          () => null,
          () => null,
        ),
      ]);
      stopWaiting.abort();
      return waited ?? { endpoints: [], matched: 0, running: true };
    },
  });

  ctx.routes.add({
    method: 'GET',
    path: '/tree',
    role: 'viewer',
    summary:
      'Clusters, nodes, guests and their containers with pending updates by severity rolled up at each level',
    schema: {
      querystring: { type: 'object', properties: { includeGone: { type: 'boolean', default: false } } },
      response: treeSchema,
    },
    async handler(request) {
      const [endpoints, nodes, guests, pending, containers] = await Promise.all([
        store.endpoints(),
        store.nodes(),
        store.guests(),
        ctx.fleet.pendingCounts(),
        ctx.containers.list(),
      ]);
      const includeGone = request.query.includeGone === true;
      return { clusters: buildTree(endpoints, nodes, guests, pending, containers, includeGone) };
    },
  });

  ctx.routes.add({
    method: 'PUT',
    path: '/guests/:endpoint/:vmid/link',
    role: 'operator',
    summary: 'Link a guest to an agent by hand (kept across rediscovery)',
    schema: {
      params: guestParams,
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['agentId'],
        properties: { agentId: { type: 'string', format: 'uuid' } },
      },
      response: linkAnswer,
    },
    async handler(request) {
      const guest = await guestOf(request.params);
      const { agentId } = request.body as { agentId: string };
      if (!(await ctx.fleet.agent(agentId)))
        throw new PluginError(`no agent ${agentId}`, { code: 'not_found' });
      await store.setLink(guest.endpoint, guest.vmid, agentId);
      await sync.rematch();
      return { endpoint: guest.endpoint, vmid: guest.vmid, agentId, link: 'linked' };
    },
  });

  ctx.routes.add({
    method: 'DELETE',
    path: '/guests/:endpoint/:vmid/link',
    role: 'operator',
    summary: 'Unlink a guest from its agent by hand (kept across rediscovery)',
    schema: { params: guestParams, response: linkAnswer },
    async handler(request) {
      const guest = await guestOf(request.params);
      await store.setLink(guest.endpoint, guest.vmid, null);
      await sync.rematch();
      return { endpoint: guest.endpoint, vmid: guest.vmid, agentId: null, link: 'unlinked' };
    },
  });

  ctx.routes.add({
    method: 'POST',
    path: '/guests/:endpoint/:vmid/automatic',
    role: 'operator',
    summary: "Forget a person's link or unlink: matching decides again",
    schema: { params: guestParams, response: linkAnswer },
    async handler(request) {
      const guest = await guestOf(request.params);
      await store.clearLink(guest.endpoint, guest.vmid);
      await sync.rematch();
      const now = await guestOf(request.params);
      return { endpoint: now.endpoint, vmid: now.vmid, agentId: now.agentId, link: null };
    },
  });

  ctx.routes.add({
    method: 'POST',
    path: '/actions',
    role: 'operator',
    summary: 'One command per matched agent of a node, a cluster or a tag, as one group',
    schema: { body: actionBodySchema, response: actionReportSchema },
    handler: (request) => actions.start(request.body as ActionRequest, request.caller.name),
  });

  ctx.routes.add({
    method: 'GET',
    path: '/actions/:id',
    role: 'viewer',
    summary: "A group action's progress, from its commands",
    schema: {
      params: { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } },
      response: actionReportSchema,
    },
    async handler(request) {
      const report = await actions.report(request.params.id!);
      if (!report) throw new PluginError(`no action ${request.params.id}`, { code: 'not_found' });
      return report;
    },
  });

  ctx.routes.add({
    method: 'POST',
    path: '/enroll',
    role: 'admin',
    summary: 'Install the agent into running LXCs without one: one container, a node, or everything',
    schema: {
      body: {
        type: 'object',
        additionalProperties: false,
        properties: {
          endpoint: { type: 'string', maxLength: 64 },
          node: { type: 'string', maxLength: 64 },
          vmid: { type: 'integer', minimum: 1 },
        },
      },
      response: enrollmentAnswer,
    },
    async handler(request) {
      const scope = (request.body ?? {}) as EnrollmentScope;
      const [guests, nodes] = await Promise.all([store.guests(), store.nodes()]);
      return enrollment.report(enrollment.start(scope, guests, nodes, ctx.signal));
    },
  });

  ctx.routes.add({
    method: 'GET',
    path: '/enroll/:runId',
    role: 'viewer',
    summary: "An enrollment run's results per container, and whether it is done",
    schema: {
      params: {
        type: 'object',
        required: ['runId'],
        properties: { runId: { type: 'string', format: 'uuid' } },
      },
      response: enrollmentAnswer,
    },
    handler: (request) => enrollment.report(request.params.runId!),
  });
}

const enrollmentAnswer: JsonSchema = {
  type: 'object',
  required: ['runId', 'done', 'results'],
  properties: {
    runId: { type: 'string' },
    done: { type: 'boolean' },
    results: {
      type: 'array',
      items: {
        type: 'object',
        required: ['endpoint', 'node', 'vmid', 'name', 'outcome', 'reason', 'code'],
        properties: {
          endpoint: { type: 'string' },
          node: { type: 'string' },
          vmid: { type: 'integer' },
          name: { type: 'string' },
          outcome: { enum: ['enrolled', 'skipped', 'failed'] },
          reason: { type: 'string' },
          code: nullableString,
        },
      },
    },
  },
};
