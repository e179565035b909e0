import assert from 'node:assert/strict';
import { startTestCore, type TestCore } from '../../helpers/core.js';
import { describeEachDatabase } from '../../helpers/databases.js';
import { ApiClient, createTestToken } from './api-client.js';

type Caller = ReturnType<ApiClient['bearer']>;

const OUTSTANDING = 'pending,approved,checking_dependencies,pending_dependencies,installing,failed';

/** How many rows the list has for a query: the list reads package_state itself, the stats read the count tables. */
async function countOf(caller: Caller, query: string): Promise<number> {
  let n = 0;
  let cursor: string | null = null;
  do {
    const res = await caller.get(`/api/v1/updates?${query}&limit=1000${cursor ? `&cursor=${cursor}` : ''}`);
    n += res.json.items.length;
    cursor = res.json.nextCursor;
  } while (cursor);
  return n;
}

describeEachDatabase('API fleet stats on 500 agents', (target) => {
  let core: TestCore;
  let viewer: Caller;

  before(async function () {
    this.timeout(300_000);
    core = await startTestCore(target.name);
    viewer = new ApiClient(core.httpUrl).bearer((await createTestToken(core, 'viewer')).token);
    await core.db.seed.seedFleet({ agents: 500, packagesPerAgent: 20 });
  });
  after(() => core.close());

  it('counts the whole fleet, not a page, and agrees with the package list', async () => {
    const res = await viewer.get('/api/v1/stats');
    assert.equal(res.status, 200);
    const stats = res.json;
    assert.deepEqual(stats.agents, { total: 500, online: 334, offline: 166, revoked: 0, rebootRequired: 50 });
    for (const severity of ['critical', 'high', 'medium', 'low', 'unknown'])
      assert.equal(
        stats.pending[severity],
        await countOf(viewer, `status=${OUTSTANDING}&severity=${severity}`),
        severity,
      );
    assert.equal(stats.pending.total, await countOf(viewer, `status=${OUTSTANDING}`));
    assert.equal(stats.pending.security, await countOf(viewer, `status=${OUTSTANDING}&security=true`));
    for (const status of [
      'pending',
      'failed',
      'held',
      'ignored',
      'updated',
      'resolved',
      'pending_dependencies',
    ])
      assert.equal(stats.byStatus[status], await countOf(viewer, `status=${status}`), status);
    for (const plugin of ['apt', 'dnf', 'flatpak'])
      assert.equal(
        stats.byPlugin[plugin],
        await countOf(viewer, `status=${OUTSTANDING}&plugin=${plugin}`),
        plugin,
      );
    const everything = Object.values(stats.byStatus as Record<string, number>).reduce((a, b) => a + b, 0);
    assert.equal(everything, 500 * 20);
    assert.deepEqual(stats.failedCommands, { recentHours: 24, count: 0 });
  });

  it('draws 30 UTC days of events, and the open count walked back from today', async () => {
    const { daily, byStatus } = (await viewer.get('/api/v1/stats')).json;
    assert.equal(daily.length, 30);
    assert.equal(daily.at(-1).day, new Date().toISOString().slice(0, 10));
    assert.ok(daily.every((p: { day: string }, i: number) => i === 0 || p.day > daily[i - 1].day));
    const sum = (kind: string) => daily.reduce((n: number, p: Record<string, number>) => n + p[kind]!, 0);
    // The seed spreads one discovery per package over the last 30 days; installs and resolutions follow.
    assert.equal(sum('discovered'), 500 * 20);
    assert.equal(sum('installed'), byStatus.updated);
    assert.equal(sum('resolved'), byStatus.resolved);
    const openNow = 500 * 20 - byStatus.updated - byStatus.resolved;
    assert.equal(daily.at(-1).open, openNow);
    for (let i = 1; i < daily.length; i++) {
      const p = daily[i];
      assert.equal(daily[i - 1].open, Math.max(0, p.open - p.discovered + p.installed + p.resolved), p.day);
    }
    const week = (await viewer.get('/api/v1/stats?days=7')).json.daily;
    assert.equal(week.length, 7);
    assert.deepEqual(week.at(-1), daily.at(-1));
    assert.equal((await viewer.get('/api/v1/stats?days=0')).status, 400);
    assert.equal((await viewer.get('/api/v1/stats?days=91')).status, 400);
  });
});
