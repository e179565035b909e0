import assert from 'node:assert/strict';
import { pruneHistory } from '../../../core/events/index.js';
import { startTestCore, type TestCore } from '../../helpers/core.js';
import { describeEachDatabase } from '../../helpers/databases.js';
import { registerSimAgent } from '../../helpers/sim-agent.js';
import { addTestUser, ApiClient, createTestToken } from './api-client.js';

describeEachDatabase('API settings', (target) => {
  let core: TestCore;
  let api: ApiClient;
  let admin: ReturnType<ApiClient['bearer']>;
  let operator: ReturnType<ApiClient['bearer']>;

  before(async () => {
    core = await startTestCore(target.name);
    api = new ApiClient(core.httpUrl);
    admin = api.bearer((await createTestToken(core, 'admin')).token);
    operator = api.bearer((await createTestToken(core, 'operator')).token);
  });
  after(() => core.close());

  it('shows every known setting with its default and schema, and nothing else of the table', async () => {
    const res = await admin.get('/api/v1/settings');
    assert.equal(res.status, 200);
    assert.deepEqual(res.json.values, {
      'retention.clientErrorDays': 30,
      'retention.commandDays': 90,
      'retention.eventDays': 365,
    });
    assert.deepEqual(res.json.defaults, res.json.values);
    assert.equal(res.json.schema.properties['retention.commandDays'].maximum, 3650);
    assert.deepEqual(res.json.changed, {});
    // The setup token's hash lives in the same table: it must never come out.
    assert.ok(core.setupToken);
    assert.doesNotMatch(JSON.stringify(res.json), /auth\.setup|agentConfigRevision/);
  });

  it('changes only the keys given, and says who changed them', async () => {
    const res = await admin.put('/api/v1/settings', { 'retention.eventDays': 30 });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.equal(res.json.values['retention.eventDays'], 30);
    assert.equal(res.json.values['retention.commandDays'], 90, 'the others keep their values');
    assert.deepEqual(Object.keys(res.json.changed), ['retention.eventDays']);
    assert.ok(res.json.changed['retention.eventDays'].updatedBy.startsWith('token:'));
    const again = await admin.put('/api/v1/settings', { 'retention.commandDays': 7 });
    assert.equal(again.json.values['retention.eventDays'], 30);
    assert.equal(again.json.values['retention.commandDays'], 7);
    const events = await admin.get('/api/v1/events?type=settings');
    assert.match(events.json.items[0].message, /retention\.commandDays = 7/);
  });

  it('refuses values outside the schema', async () => {
    for (const body of [
      {},
      { 'retention.eventDays': 0 },
      { 'retention.eventDays': 3651 },
      { 'retention.eventDays': 1.5 },
      { 'retention.eventDays': 'forever' },
      { 'auth.setup': 'x' },
      { colour: 'red' },
    ]) {
      const res = await admin.put('/api/v1/settings', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.json.error.code, 'validation_failed');
    }
  });

  it('is for admins, and a cookie session needs its CSRF token', async () => {
    assert.equal((await operator.get('/api/v1/settings')).status, 403);
    assert.equal((await operator.put('/api/v1/settings', { 'retention.eventDays': 5 })).status, 403);
    await addTestUser(core, 'setadmin', 'settings admin password', 'admin');
    const { cookie, csrfToken } = await api.login('setadmin', 'settings admin password');
    const body = { 'retention.clientErrorDays': 10 };
    const without = await api.call('PUT', '/api/v1/settings', { body, headers: { cookie } });
    assert.equal(without.status, 403);
    assert.equal(without.json.error.code, 'csrf_failed');
    const ok = await api.call('PUT', '/api/v1/settings', {
      body,
      headers: { cookie, 'x-csrf-token': csrfToken },
    });
    assert.equal(ok.status, 200);
    assert.equal(ok.json.changed['retention.clientErrorDays'].updatedBy, 'setadmin');
  });

  it('deletes history past the retention settings, never an active command', async () => {
    const agentId = (await registerSimAgent(core.httpUrl, await core.createToken())).identity!.agentId;
    const scan = await operator.post('/api/v1/commands', {
      agentId,
      type: 'scan',
      params: { plugin: 'apt' },
    });
    const dry = await operator.post('/api/v1/commands', {
      agentId,
      type: 'dry_run',
      params: { plugin: 'apt', packages: [{ name: 'curl' }] },
    });
    assert.equal((await operator.post(`/api/v1/commands/${dry.json.id}/cancel`)).status, 200);
    await api.call('POST', '/api/v1/client-errors', {
      body: { errors: [{ subsystem: 'x', type: 'y', message: 'z' }] },
    });
    // Nothing is old enough yet.
    assert.deepEqual(await pruneHistory(core.db), { commands: 0, events: 0, clientErrors: 0 });
    // Eight days on: commands (7 days) and client errors (10) are not all due, events (30) are not.
    const later = new Date(Date.now() + 8 * 86_400_000);
    const pruned = await pruneHistory(core.db, later);
    assert.equal(pruned.commands, 1, 'the cancelled command');
    assert.equal(pruned.events, 0);
    assert.equal(pruned.clientErrors, 0);
    assert.equal((await admin.get(`/api/v1/commands/${scan.json.id}`)).status, 200, 'the active scan stays');
    assert.equal((await admin.get(`/api/v1/commands/${dry.json.id}`)).status, 404);
    const much = await pruneHistory(core.db, new Date(Date.now() + 40 * 86_400_000));
    assert.ok(much.events > 0);
    assert.equal(much.clientErrors, 1);
  });
});
