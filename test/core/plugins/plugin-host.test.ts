import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { MqttClient } from 'mqtt';
import type { RedflagConfig } from '../../../core/config/index.js';
import { ingestScan } from '../../../core/updates/index.js';
import { containerItem, dockerScan, outdatedContainer } from '../../helpers/containers.js';
import { startTestCore, type TestCore } from '../../helpers/core.js';
import { describeEachDatabase } from '../../helpers/databases.js';
import { connectAgent, registerSimAgent } from '../../helpers/sim-agent.js';
import { ApiClient, createTestToken, rememberSecret } from '../api/api-client.js';
import { untilHolds } from '../../helpers/until.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/plugins/', import.meta.url));
const TOKEN = 'tok-3f9a1c7e55d2';
const BASE = '/api/v1/plugins/test-integration';

function withFixturePlugins(extra: Record<string, unknown> = {}) {
  return (config: RedflagConfig) => {
    config.plugins.enabled = ['test-integration', 'test-notifier'];
    config.plugins.directory = FIXTURES;
    config.plugins.config = { 'test-integration': { greeting: 'ahoy', ...extra } };
    config.plugins.secrets = { 'test-integration': { token: TOKEN } };
  };
}

/** Issue 22 §4: the core's plugin host, shown with the test integration plugin. */
describeEachDatabase('core plugin host', (target) => {
  let core: TestCore;
  let admin: ReturnType<ApiClient['bearer']>;
  let operator: ReturnType<ApiClient['bearer']>;
  let viewer: ReturnType<ApiClient['bearer']>;
  const logLines: string[] = [];
  const clients: MqttClient[] = [];

  before(async function () {
    this.timeout(120_000);
    rememberSecret(TOKEN);
    const logs = new PassThrough();
    logs.on('data', (chunk: Buffer) => logLines.push(...chunk.toString().split('\n').filter(Boolean)));
    core = await startTestCore(
      target.name,
      (config) => {
        withFixturePlugins()(config);
        config.log.level = 'info';
      },
      logs,
    );
    const api = new ApiClient(core.httpUrl);
    admin = api.bearer((await createTestToken(core, 'admin')).token);
    operator = api.bearer((await createTestToken(core, 'operator')).token);
    viewer = api.bearer((await createTestToken(core, 'viewer')).token);
  });
  after(async () => {
    for (const c of clients) await c.endAsync();
    await core?.close();
  });

  it('lists both plugins with kind, version and state in GET /api/v1/plugins', async () => {
    const res = await admin.get('/api/v1/plugins');
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.deepEqual(res.json.items, [
      { name: 'test-integration', kind: 'integration', version: '1.2.3', state: 'active', lastError: null },
      { name: 'test-notifier', kind: 'notifier', version: '0.1.0', state: 'active', lastError: null },
    ]);
    assert.equal((await viewer.get('/api/v1/plugins')).status, 403);
  });

  it("ran the plugin's migrations: its prefixed tables exist, recorded in its own migrations table", async () => {
    const tables = await core.db.tables();
    for (const table of [
      'test_integration_visits',
      'test_integration_heard',
      'test_integration_runs',
      'knex_migrations_test_integration',
      'test_notifier_received',
    ])
      assert.ok(tables.includes(table), `${table} missing from ${tables.join()}`);
  });

  it('serves its routes under /api/v1/plugins/<name>/ with their declared role, in the OpenAPI document', async () => {
    assert.equal((await viewer.post(`${BASE}/visits`)).status, 403, 'operator route refused to a viewer');
    const res = await operator.post(`${BASE}/visits`);
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.equal(res.json.greeting, 'ahoy', 'its config, defaults filled in, reached it');
    assert.match(res.json.visitor, /^token:/);
    assert.equal(res.json.visits, 1);
    const access = new Set(core.http.routeAccess.map((r) => `${r.method} ${r.url} ${r.access}`));
    assert.ok(access.has(`POST ${BASE}/visits operator`));
    assert.ok(access.has(`GET ${BASE}/heard viewer`));
    assert.ok(access.has(`POST ${BASE}/crash admin`));
    const doc = (await admin.get('/api/docs/json')).json;
    assert.ok(doc.paths[`${BASE}/visits`]?.post, 'in the OpenAPI document');
    assert.ok(doc.paths[`${BASE}/hosts/{agentId}/scan`]?.post);
    assert.ok(doc.paths['/api/v1/plugins']?.get);
    // Its schemas are enforced like any route's.
    const bad = await operator.post(`${BASE}/hosts/not-a-uuid/scan`);
    assert.equal(bad.status, 400);
  });

  it('runs its job through the job runner, once per interval', async () => {
    assert.ok(core.jobs.names().includes('plugin:test-integration:count'));
    assert.equal(await core.jobs.runIfDue('plugin:test-integration:count'), 'ran');
    assert.equal(await core.jobs.runIfDue('plugin:test-integration:count'), 'not_due');
    assert.equal((await viewer.get(`${BASE}/heard`)).json.runs, 1);
  });

  it('hears bus events and issues commands through the normal queue, as source integration', async () => {
    const { identity } = await registerSimAgent(core.httpUrl, await core.createToken(1));
    clients.push(await connectAgent(core.mqttUrl, identity!));
    const heard = () =>
      viewer.get(`${BASE}/heard`).then((r) => r.json.events as Array<Record<string, unknown>>);
    await untilHolds(
      heard,
      (e) => e.some((x) => x.kind === 'agent.online' && x.agentId === identity!.agentId),
      'agent.online',
    );

    // Params the scan's schema refuses are refused before anything is stored (issue 22 §1).
    const commandsBefore = await core.db.commands.listForAgent(identity!.agentId);
    const bad = await operator.post(`${BASE}/hosts/${identity!.agentId}/scan?timeoutSeconds=soon`);
    assert.equal(bad.status, 502, JSON.stringify(bad.json));
    assert.equal(bad.json.error.code, 'invalid_params');
    assert.match(bad.json.error.message, /timeoutSeconds/);
    assert.deepEqual(await core.db.commands.listForAgent(identity!.agentId), commandsBefore);

    const res = await operator.post(`${BASE}/hosts/${identity!.agentId}/scan`);
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.equal(res.json.source, 'integration');
    assert.equal(res.json.createdBy, 'plugin:test-integration');
    const command = await core.db.commands.findById(res.json.commandId);
    assert.equal(command?.type, 'scan');
    assert.equal(command?.source, 'integration');

    assert.equal((await operator.post(`/api/v1/commands/${res.json.commandId}/cancel`)).status, 200);
    const events = await untilHolds(
      heard,
      (e) => e.some((x) => x.kind === 'command.finished'),
      'command.finished',
    );
    assert.deepEqual(events.find((x) => x.kind === 'command.finished')!.detail, {
      status: 'cancelled',
      source: 'integration',
    });
  });

  it("reads the hosts' containers and hears when a host's change (plugin API 1.2)", async () => {
    const { identity } = await registerSimAgent(core.httpUrl, await core.createToken(1));
    const agentId = identity!.agentId;
    await ingestScan(
      { db: core.db, events: core.events, bus: core.live },
      agentId,
      dockerScan([
        outdatedContainer('web', 'docker.io/library/nginx', '1.27'),
        containerItem('cache', 'docker.io/library/redis', '7'),
      ]),
    );
    const res = await viewer.get(`${BASE}/hosts/${agentId}/containers`);
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.deepEqual(res.json.containers, ['cache up_to_date -', 'web update_available pending']);
    const heard = await untilHolds(
      () => viewer.get(`${BASE}/heard`).then((r) => r.json.events as Array<Record<string, unknown>>),
      (e) => e.some((x) => x.kind === 'containers.changed' && x.agentId === agentId),
      'containers.changed',
    );
    assert.deepEqual(heard.find((x) => x.kind === 'containers.changed' && x.agentId === agentId)!.detail, {
      count: 2,
      updates: 1,
    });
  });

  it("reads one host's package states, or every host's at once (plugin API 1.3)", async () => {
    const ids = await core.db.seed.seedFleet({ agents: 3, packagesPerAgent: 4, hostPrefix: 'pkgs' });
    const one = async (agentId: string) =>
      (await viewer.get(`${BASE}/packages?agentId=${agentId}`)).json.packages as string[];
    const every = (await viewer.get(`${BASE}/packages`)).json.packages as string[];
    // In agent order (uuids compare as their bytes, as PostgreSQL orders them).
    const perHost = (await Promise.all([...ids].sort().map(one))).flat();
    assert.equal(perHost.length, 12, 'closed ones included for one host');
    const closed = (p: string) => / (updated|resolved)$/.test(p);
    assert.ok(perHost.some(closed), 'the seed has closed states');
    // Every host's but the closed ones (the fleet's history), grouped by host, each group in
    // the order of that host's own read.
    assert.deepEqual(
      every.filter((p) => ids.includes(p.split(' ')[0]!)),
      perHost.filter((p) => !closed(p)),
    );
  });

  it('never shows or logs its secrets', async () => {
    const started = logLines.find((l) => l.includes('[test-integration] started with token'));
    assert.ok(started, 'the plugin logged through its prefixed logger');
    assert.ok(!logLines.some((l) => l.includes(TOKEN)), 'a log line shows the token');
    assert.match(started, /\[redacted\]/);
    assert.ok(!JSON.stringify((await admin.get('/api/v1/plugins')).json).includes(TOKEN));
  });

  it('disables it alone when it crashes in a handler, and records why', async () => {
    const crash = await admin.post(`${BASE}/crash`);
    assert.equal(crash.status, 500);
    assert.equal(crash.json.error.code, 'plugin_failed');
    const list = (await admin.get('/api/v1/plugins')).json.items;
    assert.equal(list[0].state, 'disabled');
    assert.match(list[0].lastError, /deliberate crash/);
    assert.equal(list[1].state, 'active', 'the notifier keeps running');
    const [event] = await core.db.systemEvents.list({ type: 'plugin' });
    assert.equal(event?.subtype, 'failed');
    assert.match(event!.message, /deliberate crash/);

    // Its routes answer 503, its job and listeners no longer run.
    const visit = await operator.post(`${BASE}/visits`);
    assert.equal(visit.status, 503);
    assert.equal(visit.json.error.code, 'plugin_unavailable');
    // The notifier still hears of what goes wrong.
    await core.events.record({
      type: 'test',
      severity: 'warning',
      component: 'test',
      message: 'disk almost full',
    });
    const store = core.db.plugin('test-notifier').database;
    await untilHolds(
      () => store.query<{ message: string }>('select message from test_notifier_received'),
      (rows) => rows.some((r) => r.message === 'disk almost full'),
      'the notification',
    );
  });
});

describe('core plugin host: a plugin that throws at start', () => {
  let core: TestCore;
  before(async function () {
    this.timeout(120_000);
    core = await startTestCore('PGlite', withFixturePlugins({ crashAtStart: true }));
  });
  after(() => core?.close());

  it('is disabled and recorded, without its secret; the rest keep running', async () => {
    const list = core.plugins.list();
    assert.equal(list[0]!.state, 'disabled');
    assert.match(list[0]!.lastError!, /cannot start, token \[redacted\] refused/);
    assert.equal(list[1]!.state, 'active');
    const events = await core.db.systemEvents.list({ type: 'plugin' });
    assert.ok(events.some((e) => e.subtype === 'failed' && /cannot start/.test(e.message)));
    assert.ok(!JSON.stringify(events).includes(TOKEN));
  });
});
