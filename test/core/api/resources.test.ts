import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { ScanPackage } from '../../../broker/protocol/index.js';
import { ingestScan } from '../../../core/updates/index.js';
import { startTestCore, type TestCore } from '../../helpers/core.js';
import { describeEachDatabase } from '../../helpers/databases.js';
import { envelope, registerSimAgent, scanPackage } from '../../helpers/sim-agent.js';
import { ApiClient, createTestToken } from './api-client.js';

const pkg = (name: string): ScanPackage => scanPackage(name);

describeEachDatabase('API resources', (target) => {
  let core: TestCore;
  let agentId: string;
  let viewer: ReturnType<ApiClient['bearer']>;
  let operator: ReturnType<ApiClient['bearer']>;
  let admin: ReturnType<ApiClient['bearer']>;

  before(async () => {
    core = await startTestCore(target.name);
    const api = new ApiClient(core.httpUrl);
    viewer = api.bearer((await createTestToken(core, 'viewer')).token);
    operator = api.bearer((await createTestToken(core, 'operator')).token);
    admin = api.bearer((await createTestToken(core, 'admin')).token);
    const registered = await registerSimAgent(core.httpUrl, await core.createToken(), { hostname: 'web-1' });
    agentId = registered.identity!.agentId;
  });
  after(() => core.close());

  describe('agents', () => {
    it('lists and shows agents without their keys', async () => {
      const list = await viewer.get('/api/v1/agents');
      assert.equal(list.status, 200);
      assert.equal(list.json.total, 1);
      assert.equal(list.json.items[0].hostname, 'web-1');
      assert.equal(list.json.items[0].publicKey, undefined);
      assert.equal(list.json.items[0].machineIdHash, undefined);
      const one = await viewer.get(`/api/v1/agents/${agentId}`);
      assert.equal(one.status, 200);
      assert.equal(one.json.id, agentId);
      assert.equal(one.json.publicKey, undefined);
      const missing = await viewer.get(`/api/v1/agents/${randomUUID()}`);
      assert.equal(missing.status, 404);
      assert.equal(missing.json.error.code, 'not_found');
      assert.equal((await viewer.get('/api/v1/agents/not-a-uuid')).status, 400);
    });

    it('lets an admin allow a rebind', async () => {
      const res = await admin.post(`/api/v1/agents/${agentId}/rebind`, { hours: 2 });
      assert.equal(res.status, 200);
      const until = new Date(res.json.rebindAllowedUntil).getTime();
      assert.ok(Math.abs(until - (Date.now() + 2 * 3600_000)) < 60_000);
      assert.equal((await admin.post(`/api/v1/agents/${agentId}/rebind`, { hours: 0 })).status, 400);
    });
  });

  describe('commands', () => {
    it('issues a scan and answers 409 with the active one for a second scan of the plugin', async () => {
      const first = await operator.post('/api/v1/commands', {
        agentId,
        type: 'scan',
        params: { plugin: 'apt' },
      });
      assert.equal(first.status, 201, JSON.stringify(first.json));
      assert.equal(first.json.status, 'pending');
      assert.equal(first.json.createdBy?.startsWith('token:'), true);
      const second = await operator.post('/api/v1/commands', {
        agentId,
        type: 'scan',
        params: { plugin: 'apt' },
      });
      assert.equal(second.status, 409);
      assert.equal(second.json.error.code, 'duplicate_command');
      assert.equal(second.json.error.details.commandId, first.json.id);
    });

    it('returns the same command for the same Idempotency-Key', async () => {
      const key = randomUUID();
      const body = { agentId, type: 'dry_run', params: { plugin: 'apt', packages: [{ name: 'curl' }] } };
      const first = await operator.post('/api/v1/commands', body, { 'idempotency-key': key });
      assert.equal(first.status, 201);
      const again = await operator.post('/api/v1/commands', body, { 'idempotency-key': key });
      assert.equal(again.status, 200);
      assert.equal(again.json.id, first.json.id);
    });

    it('shows, cancels and retries a command', async () => {
      const issued = await operator.post('/api/v1/commands', {
        agentId,
        type: 'scan',
        params: { plugin: 'dnf' },
      });
      const id = issued.json.id as string;
      assert.equal((await viewer.get(`/api/v1/commands/${id}`)).json.type, 'scan');
      assert.equal((await viewer.get(`/api/v1/commands/${randomUUID()}`)).status, 404);
      const cancelled = await operator.post(`/api/v1/commands/${id}/cancel`);
      assert.equal(cancelled.status, 200);
      assert.equal(cancelled.json.status, 'cancelled');
      assert.equal((await operator.post(`/api/v1/commands/${id}/cancel`)).status, 409);
      const retried = await operator.post(`/api/v1/commands/${id}/retry`);
      assert.equal(retried.status, 201);
      assert.equal(retried.json.retriedFromId, id);
      assert.equal(retried.json.attempt, 2);
      assert.equal((await operator.post(`/api/v1/commands/${retried.json.id}/retry`)).status, 409);
    });

    it('refuses installs (they go through approval), agent changes by operators, and unknown agents', async () => {
      assert.equal((await operator.post('/api/v1/commands', { agentId, type: 'install' })).status, 400);
      const update = await operator.post('/api/v1/commands', { agentId, type: 'update_agent' });
      assert.equal(update.status, 403);
      assert.equal((await admin.post('/api/v1/commands', { agentId, type: 'update_agent' })).status, 201);
      const unknown = await operator.post('/api/v1/commands', { agentId: randomUUID(), type: 'scan' });
      assert.equal(unknown.status, 404);
    });
  });

  describe('events', () => {
    it('filters by agent, type and severity, and reads forwards after an id', async () => {
      const all = await viewer.get('/api/v1/events?limit=1000');
      assert.equal(all.status, 200);
      assert.ok(all.json.items.length > 0);
      assert.equal(all.json.nextCursor, null);
      const security = await viewer.get('/api/v1/events?type=security');
      assert.ok(security.json.items.every((e: { type: string }) => e.type === 'security'));
      const mine = await viewer.get(`/api/v1/events?agent=${agentId}`);
      assert.ok(mine.json.items.length > 0);
      assert.ok(mine.json.items.every((e: { agentId: string }) => e.agentId === agentId));
      const oldest = all.json.items.at(-1).id as string;
      const after = await viewer.get(`/api/v1/events?after=${oldest}&limit=2`);
      assert.ok(after.json.items.every((e: { id: string }) => BigInt(e.id) > BigInt(oldest)));
      assert.ok(BigInt(after.json.items[0].id) < BigInt(after.json.items[1].id), 'oldest first after an id');
      const since = await viewer.get(
        `/api/v1/events?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`,
      );
      assert.deepEqual(since.json.items, []);
      assert.equal((await viewer.get('/api/v1/events?severity=loud')).status, 400);
    });
  });

  describe('updates', () => {
    before(async () => {
      const now = new Date().toISOString();
      await ingestScan(core, agentId, {
        ...envelope(),
        batchId: randomUUID(),
        plugin: 'apt',
        complete: true,
        startedAt: now,
        finishedAt: now,
        packages: ['curl', 'libcurl4', 'openssl'].map(pkg),
      });
    });

    it('pages package states by key', async () => {
      const first = await viewer.get(`/api/v1/updates?agent=${agentId}&limit=2`);
      assert.equal(first.status, 200);
      assert.deepEqual(
        first.json.items.map((p: { name: string }) => p.name),
        ['curl', 'libcurl4'],
      );
      assert.ok(first.json.nextCursor);
      const second = await viewer.get(
        `/api/v1/updates?agent=${agentId}&limit=2&cursor=${first.json.nextCursor}`,
      );
      assert.deepEqual(
        second.json.items.map((p: { name: string }) => p.name),
        ['openssl'],
      );
      assert.equal(second.json.nextCursor, null);
      assert.equal((await viewer.get('/api/v1/updates?cursor=garbage')).status, 400);
    });

    it('approves packages through the install workflow', async () => {
      const res = await operator.post('/api/v1/updates/approve', {
        packages: [
          { agentId, plugin: 'apt', name: 'curl', arch: 'amd64' },
          { agentId, plugin: 'apt', name: 'not-there', arch: 'amd64' },
        ],
      });
      assert.equal(res.status, 200, JSON.stringify(res.json));
      assert.deepEqual(res.json.approved, [{ agentId, plugin: 'apt', name: 'curl', arch: 'amd64' }]);
      assert.equal(res.json.refused.length, 1);
      const states = await viewer.get(`/api/v1/updates?agent=${agentId}&status=checking_dependencies`);
      assert.deepEqual(
        states.json.items.map((p: { name: string }) => p.name),
        ['curl'],
      );
    });
  });

  describe('revocation', () => {
    it('lets an admin revoke an agent, once', async () => {
      const res = await admin.post(`/api/v1/agents/${agentId}/revoke`);
      assert.equal(res.status, 200);
      assert.equal((await viewer.get(`/api/v1/agents/${agentId}`)).json.status, 'revoked');
      assert.equal((await admin.post(`/api/v1/agents/${agentId}/revoke`)).status, 404);
      const scan = await operator.post('/api/v1/commands', {
        agentId,
        type: 'scan',
        params: { plugin: 'apt' },
      });
      assert.equal(scan.status, 404);
      assert.deepEqual(scan.json.error, { code: 'not_found', message: `no active agent with id ${agentId}` });
    });
  });
});
