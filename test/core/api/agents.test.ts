import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { ScanPackage } from '../../../broker/protocol/index.js';
import { ingestScan } from '../../../core/updates/index.js';
import { startTestCore, type TestCore } from '../../helpers/core.js';
import { describeEachDatabase } from '../../helpers/databases.js';
import { connectAgent, envelope, publishUp, registerSimAgent, scanPackage } from '../../helpers/sim-agent.js';
import { ApiClient, createTestToken } from './api-client.js';

type Caller = ReturnType<ApiClient['bearer']>;

const pkg = (name: string, severity: ScanPackage['severity'], plugin = 'apt'): ScanPackage =>
  scanPackage(name, { plugin, severity, security: severity === 'critical' });

describeEachDatabase('API agents: list, detail, labels, delete', (target) => {
  let core: TestCore;
  let api: ApiClient;
  let viewer: Caller;
  let operator: Caller;
  let admin: Caller;
  let seeded: string[];

  before(async function () {
    this.timeout(300_000); // a 500-agent seed on a loaded machine
    core = await startTestCore(target.name);
    api = new ApiClient(core.httpUrl);
    viewer = api.bearer((await createTestToken(core, 'viewer')).token);
    operator = api.bearer((await createTestToken(core, 'operator')).token);
    admin = api.bearer((await createTestToken(core, 'admin')).token);
    // 500 agents: host-00001 … host-00500; labels by n % 4 (0 prod, 1 lab, 2 prod+db, 3 none),
    // online unless n % 3 = 0, reboot required when n % 10 = 0.
    seeded = await core.db.seed.seedFleet({ agents: 500, packagesPerAgent: 20 });
  });
  after(() => core.close());

  it('lists every agent with pending counts by severity, filtered by online, label and hostname', async () => {
    const all = await viewer.get('/api/v1/agents?limit=5000');
    assert.equal(all.status, 200);
    assert.equal(all.json.total, 500);
    assert.equal(all.json.items.length, 500);
    const first = all.json.items[0];
    assert.equal(first.hostname, 'host-00001');
    assert.deepEqual(Object.keys(first.pending).sort(), [
      'critical',
      'high',
      'low',
      'medium',
      'security',
      'total',
      'unknown',
    ]);
    for (const a of all.json.items) {
      const bySeverity =
        a.pending.critical + a.pending.high + a.pending.medium + a.pending.low + a.pending.unknown;
      assert.equal(bySeverity, a.pending.total, a.hostname);
      assert.ok(a.pending.total > 0 && a.pending.total <= 20);
    }

    const online = await viewer.get('/api/v1/agents?online=true&limit=5000');
    assert.equal(online.json.total, 500 - Math.floor(500 / 3));
    assert.ok(online.json.items.every((a: { online: boolean }) => a.online));
    const prod = await viewer.get('/api/v1/agents?label=prod&limit=5000');
    assert.equal(prod.json.total, 250);
    assert.ok(prod.json.items.every((a: { labels: string[] }) => a.labels.includes('prod')));
    const named = await viewer.get('/api/v1/agents?q=HOST-0012');
    assert.deepEqual(
      named.json.items.map((a: { hostname: string }) => a.hostname),
      Array.from({ length: 10 }, (_, i) => `host-0012${i}`),
    );
    assert.deepEqual((await viewer.get('/api/v1/agents?q=%25')).json.items, [], '% is literal text');
  });

  it('sorts by pending counts and pages with limit and offset', async () => {
    const byPending = await viewer.get('/api/v1/agents?sort=pending&limit=5000');
    const totals = byPending.json.items.map((a: { pending: { total: number } }) => a.pending.total);
    assert.deepEqual(
      totals,
      [...totals].sort((a: number, b: number) => b - a),
      'most pending first',
    );
    const critical = await viewer.get('/api/v1/agents?sort=critical&order=asc&limit=5000');
    const crit = critical.json.items.map((a: { pending: { critical: number } }) => a.pending.critical);
    assert.deepEqual(
      crit,
      [...crit].sort((a: number, b: number) => a - b),
    );
    const pages = [];
    for (let offset = 0; offset < 500; offset += 150)
      pages.push(...(await viewer.get(`/api/v1/agents?limit=150&offset=${offset}`)).json.items);
    assert.equal(new Set(pages.map((a: { id: string }) => a.id)).size, 500);
    const past = await viewer.get('/api/v1/agents?limit=10&offset=900');
    assert.deepEqual(past.json, { items: [], total: 500 });
    assert.equal((await viewer.get('/api/v1/agents?sort=size')).status, 400);
  });

  it('shows one agent with pending counts per plugin and its latest metrics', async () => {
    const registered = await registerSimAgent(core.httpUrl, await core.createToken(), {
      hostname: 'metrics-1',
    });
    const identity = registered.identity!;
    const now = new Date().toISOString();
    await ingestScan(core, identity.agentId, {
      ...envelope(),
      batchId: randomUUID(),
      plugin: 'apt',
      complete: true,
      startedAt: now,
      finishedAt: now,
      packages: [pkg('openssl', 'critical'), pkg('curl', 'high'), pkg('vim', 'unknown')],
    });
    await ingestScan(core, identity.agentId, {
      ...envelope(),
      batchId: randomUUID(),
      plugin: 'flatpak',
      complete: true,
      startedAt: now,
      finishedAt: now,
      packages: [pkg('org.gimp.GIMP', 'unknown', 'flatpak')],
    });
    const before = await viewer.get(`/api/v1/agents/${identity.agentId}`);
    assert.equal(before.status, 200);
    assert.equal(before.json.metrics, null);
    assert.deepEqual(before.json.pending, {
      critical: 1,
      high: 1,
      medium: 0,
      low: 0,
      unknown: 2,
      total: 4,
      security: 1,
    });
    assert.equal(before.json.plugins.apt.pending.total, 3);
    assert.equal(before.json.plugins.flatpak.pending.unknown, 1);
    assert.deepEqual(before.json.plugins.apt.byStatus, { pending: 3 });

    const client = await connectAgent(core.mqttUrl, identity);
    try {
      await publishUp(client, identity, 'metrics', {
        ...envelope(),
        uptimeSec: 3600,
        load: [0.5, 0.25, 0.125],
        memory: { totalBytes: 8 * 2 ** 30, availableBytes: 2 ** 30 },
        disks: [{ mount: '/', totalBytes: 100e9, freeBytes: 40e9 }],
      });
      const shown = await until(async () => {
        const res = await viewer.get(`/api/v1/agents/${identity.agentId}`);
        return res.json.metrics ? res.json : null;
      });
      assert.equal(shown.metrics.uptimeSec, 3600);
      assert.deepEqual(shown.metrics.load, [0.5, 0.25, 0.125]);
      assert.equal(shown.metrics.memory.availableBytes, 2 ** 30);
      assert.equal(shown.metrics.disks[0].mount, '/');
      assert.ok(shown.metrics.reportedAt);
    } finally {
      await client.endAsync();
    }
  });

  it('sets labels for operators and admins, validated, and refuses viewers', async () => {
    const id = seeded[3]!;
    const set = await operator.put(`/api/v1/agents/${id}/labels`, { labels: ['web', 'prod', 'web'] });
    assert.equal(set.status, 200, JSON.stringify(set.json));
    assert.deepEqual(set.json.labels, ['prod', 'web']);
    assert.deepEqual((await viewer.get(`/api/v1/agents/${id}`)).json.labels, ['prod', 'web']);
    const byAdmin = await admin.put(`/api/v1/agents/${id}/labels`, { labels: [] });
    assert.equal(byAdmin.status, 200);
    const refused = await viewer.put(`/api/v1/agents/${id}/labels`, { labels: ['x'] });
    assert.equal(refused.status, 403);
    for (const bad of [
      ['has space'],
      [''],
      ['a'.repeat(65)],
      [{}],
      Array.from({ length: 33 }, (_, i) => `l${i}`),
    ]) {
      const res = await admin.put(`/api/v1/agents/${id}/labels`, { labels: bad });
      assert.equal(res.status, 400, JSON.stringify(bad));
      assert.equal(res.json.error.code, 'validation_failed');
    }
    const missing = await admin.put(`/api/v1/agents/${randomUUID()}/labels`, { labels: ['x'] });
    assert.equal(missing.status, 404);
  });

  it('deletes an agent for admins only, with its package states, and records who did', async () => {
    const id = seeded[7]!; // host-00008
    const hostname = (await viewer.get(`/api/v1/agents/${id}`)).json.hostname;
    assert.ok((await viewer.get(`/api/v1/updates?agent=${id}`)).json.items.length > 0);
    for (const caller of [viewer, operator])
      assert.equal((await caller.delete(`/api/v1/agents/${id}`)).status, 403);
    const statsBefore = (await viewer.get('/api/v1/stats')).json;
    const res = await admin.delete(`/api/v1/agents/${id}`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, { deleted: id });
    assert.equal((await viewer.get(`/api/v1/agents/${id}`)).status, 404);
    assert.deepEqual((await viewer.get(`/api/v1/updates?agent=${id}`)).json.items, []);
    assert.equal((await admin.delete(`/api/v1/agents/${id}`)).status, 404);
    const events = (await viewer.get('/api/v1/events?type=security&limit=50')).json.items;
    const deleted = events.find((e: { subtype: string }) => e.subtype === 'agent_deleted');
    assert.ok(deleted, 'a deletion event');
    assert.equal(deleted.metadata.hostname, hostname);
    assert.equal(deleted.metadata.agentId, id);
    const statsAfter = (await viewer.get('/api/v1/stats')).json;
    assert.equal(statsAfter.agents.total, statsBefore.agents.total - 1);
    assert.equal(statsAfter.pending.total, statsBefore.pending.total - 20 + notOutstanding(8));
  });
});

/** Polls until `probe` returns something (an agent message is handled asynchronously). */
async function until<T>(probe: () => Promise<T | null>): Promise<T> {
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Seeded agent n's packages that are not outstanding (ignored, held, updated, resolved; fleet-seed.ts). */
function notOutstanding(n: number): number {
  let count = 0;
  for (let p = 1; p <= 20; p++) {
    const k = (n + p) % 50;
    const k25 = (n + p) % 25;
    if (k === 1 || k === 2 || k25 === 3 || k25 === 4) count++;
  }
  return count;
}
