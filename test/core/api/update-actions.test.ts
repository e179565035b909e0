import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { ScanPackage } from '../../../broker/protocol/index.js';
import { ingestScan } from '../../../core/updates/index.js';
import { startTestCore, type TestCore } from '../../helpers/core.js';
import { describeEachDatabase } from '../../helpers/databases.js';
import { envelope, registerSimAgent, scanPackage } from '../../helpers/sim-agent.js';
import { ApiClient, createTestToken } from './api-client.js';

type Caller = ReturnType<ApiClient['bearer']>;

const pkg = (name: string): ScanPackage => scanPackage(name);

describeEachDatabase('API update detail and bulk actions', (target) => {
  let core: TestCore;
  let viewer: Caller;
  let operator: Caller;
  let seeded: string[];
  let agentId: string;

  before(async function () {
    this.timeout(300_000);
    core = await startTestCore(target.name);
    const api = new ApiClient(core.httpUrl);
    viewer = api.bearer((await createTestToken(core, 'viewer')).token);
    operator = api.bearer((await createTestToken(core, 'operator')).token);
    seeded = await core.db.seed.seedFleet({ agents: 50, packagesPerAgent: 60 });
    agentId = (await registerSimAgent(core.httpUrl, await core.createToken(), { hostname: 'web-9' }))
      .identity!.agentId;
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
  after(() => core.close());

  const idsIn = async (query: string) =>
    (await viewer.get(`/api/v1/updates?${query}&limit=1000`)).json.items as Array<{
      id: string;
      status: string;
    }>;

  it('refuses illegal moves per package with the reason and carries out the rest', async () => {
    const host = seeded[0]!;
    const one = async (status: string) => (await idsIn(`agent=${host}&status=${status}`))[0]!.id;
    const ids = {
      pending: await one('pending'),
      held: await one('held'),
      updated: await one('updated'),
      resolved: await one('resolved'),
      ignored: await one('ignored'),
    };
    const res = await operator.post('/api/v1/updates/approve', { ids: [...Object.values(ids), '987654321'] });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.deepEqual(
      res.json.approved.map((a: { id: string }) => a.id),
      [ids.pending],
    );
    const why = new Map(res.json.refused.map((r: { id: string; why: string; from: string }) => [r.id, r]));
    assert.equal(why.size, 5);
    assert.match((why.get(ids.held) as { why: string }).why, /held to approved: .*release the hold/);
    assert.equal((why.get(ids.updated) as { from: string }).from, 'updated');
    assert.match((why.get(ids.resolved) as { why: string }).why, /no longer exists on the host/);
    assert.match((why.get(ids.ignored) as { why: string }).why, /from ignored to approved/);
    assert.match((why.get('987654321') as { why: string }).why, /no package with id 987654321/);
    assert.equal(
      (await viewer.get(`/api/v1/updates/${ids.held}`)).json.status,
      'held',
      'refused ones untouched',
    );
  });

  it('ignores by the list filter, refusing held packages one by one', async () => {
    const host = seeded[1]!;
    const before = await idsIn(`agent=${host}&status=pending,held`);
    const live: Array<{ kind: string; agentId: string | null; data: unknown }> = [];
    const unsubscribe = core.live.subscribe((e) => live.push(e));
    const res = await operator.post('/api/v1/updates/ignore', {
      filter: { agent: [host], status: ['pending', 'held'] },
    });
    unsubscribe();
    assert.equal(res.status, 200, JSON.stringify(res.json));
    // Open panels hear of it on the live stream, as of every other status change.
    const announced = live.filter((e) => e.kind === 'package.status' && e.agentId === host);
    assert.ok(announced.length > 0, 'no package.status event for the ignored packages');
    assert.ok(announced.every((e) => (e.data as { status: string }).status === 'ignored'));
    const pending = before.filter((p) => p.status === 'pending').map((p) => p.id);
    const held = before.filter((p) => p.status === 'held').map((p) => p.id);
    assert.ok(pending.length > 0 && held.length > 0);
    assert.deepEqual(res.json.ignored.map((i: { id: string }) => i.id).sort(), [...pending].sort());
    assert.deepEqual(res.json.refused.map((r: { id: string }) => r.id).sort(), [...held].sort());
    assert.ok(res.json.refused.every((r: { from: string }) => r.from === 'held'));
    assert.equal((await idsIn(`agent=${host}&status=pending`)).length, 0);
    const events = (await viewer.get(`/api/v1/events?agent=${host}&type=install`)).json.items;
    assert.ok(events.some((e: { subtype: string }) => e.subtype === 'updates_ignored'));
  });

  it('refuses viewers, empty filters and two targets at once', async () => {
    for (const action of ['approve', 'ignore', 'install']) {
      const denied = await viewer.post(`/api/v1/updates/${action}`, { ids: ['1'] });
      assert.equal(denied.status, 403, action);
      assert.equal((await operator.post(`/api/v1/updates/${action}`, { filter: {} })).status, 400);
      assert.equal(
        (await operator.post(`/api/v1/updates/${action}`, { ids: ['1'], filter: { q: 'x' } })).status,
        400,
      );
      assert.equal((await operator.post(`/api/v1/updates/${action}`, { ids: ['x1'] })).status, 400);
    }
  });

  it('shows a package with its events, the transaction waiting for confirmation, then installs it and records the failure', async () => {
    const [curl] = (await idsIn(`agent=${agentId}&q=curl&sort=name`)).map((p) => p.id);
    const approved = await operator.post('/api/v1/updates/install', { ids: [curl] });
    assert.equal(approved.status, 200, JSON.stringify(approved.json));
    assert.deepEqual(
      approved.json.approved.map((a: { id: string }) => a.id),
      [curl],
    );
    const checking = (await viewer.get(`/api/v1/updates/${curl}`)).json;
    assert.equal(checking.status, 'checking_dependencies');
    assert.equal(checking.transaction, null);
    assert.ok(checking.dryRunCommandId);
    assert.deepEqual(
      checking.events.map((e: { kind: string }) => e.kind),
      ['discovered'],
    );

    const at = new Date().toISOString();
    await core.dispatcher.result(agentId, {
      ...envelope(),
      commandId: checking.dryRunCommandId,
      status: 'succeeded',
      startedAt: at,
      finishedAt: at,
      data: {
        transaction: {
          upgrades: [{ name: 'curl', arch: 'amd64', fromVersion: '1.0', toVersion: '1.1' }],
          newPackages: [{ name: 'libnghttp3-9', toVersion: '1.1.0' }],
          removals: [],
          warnings: [],
        },
      },
    });
    const waiting = (await viewer.get(`/api/v1/updates/${curl}`)).json;
    assert.equal(waiting.status, 'pending_dependencies');
    assert.deepEqual(waiting.transaction.newPackages, [{ name: 'libnghttp3-9', toVersion: '1.1.0' }]);
    assert.deepEqual(waiting.transaction.extras.newPackages, [{ name: 'libnghttp3-9', toVersion: '1.1.0' }]);
    assert.equal(waiting.transaction.upgrades[0].name, 'curl');

    const installing = await operator.post('/api/v1/updates/install', { ids: [curl] });
    assert.deepEqual(
      installing.json.installing.map((i: { id: string }) => i.id),
      [curl],
    );
    const running = (await viewer.get(`/api/v1/updates/${curl}`)).json;
    assert.equal(running.status, 'installing');
    assert.equal(running.transaction, null);
    const again = await operator.post('/api/v1/updates/install', { ids: [curl] });
    assert.match(again.json.refused[0].why, /an install is running/);

    await core.dispatcher.result(agentId, {
      ...envelope(),
      commandId: running.installCommandId,
      status: 'failed',
      startedAt: at,
      finishedAt: new Date().toISOString(),
      error: 'dpkg: error processing package curl',
    });
    const failed = (await viewer.get(`/api/v1/updates/${curl}`)).json;
    assert.equal(failed.status, 'failed');
    assert.equal(failed.history.length, 1);
    assert.equal(failed.history[0].result, 'failed');
    assert.equal(failed.history[0].commandId, running.installCommandId);
    assert.deepEqual(
      failed.events.map((e: { kind: string }) => e.kind),
      ['failed', 'discovered'],
    );
    const stats = (await viewer.get('/api/v1/stats')).json;
    assert.equal(stats.failedCommands.count, 1);
    assert.equal((await viewer.get('/api/v1/updates/999999999')).status, 404);
    assert.equal((await viewer.get('/api/v1/updates/abc')).status, 400);
  });
});
