import assert from 'node:assert/strict';
import type { Database } from '../../../core/db/index.js';
import { describeEachDatabase } from '../../helpers/databases.js';
import { ingestBatchOf } from '../../helpers/ingest-batch.js';

/** package_counts and update_event_days against a count of their source rows (the list). */
async function listCount(db: Database, filter: Parameters<Database['updates']['keysByFilter']>[0]) {
  return (await db.updates.keysByFilter(filter, 1_000_000)).length;
}

describeEachDatabase('core/db count tables kept by triggers', (target) => {
  let db: Database;
  let agents: string[];

  before(async () => {
    db = await target.open();
    await db.migrate();
    agents = await db.seed.seedFleet({ agents: 20, packagesPerAgent: 30 });
  });

  async function assertCountsMatch() {
    const stats = await db.stats.stats({ days: 30, recentHours: 24 });
    for (const status of ['pending', 'approved', 'ignored', 'held', 'updated', 'resolved', 'failed'] as const)
      assert.equal(stats.byStatus[status] ?? 0, await listCount(db, { statuses: [status] }), status);
    for (const agentId of agents.slice(0, 3)) {
      const perAgent = await db.fleet.packageCounts(agentId);
      assert.equal(
        perAgent.reduce((n, c) => n + c.n, 0),
        await listCount(db, { agentIds: [agentId] }),
      );
    }
  }

  it('follow inserts and updates: ingests, status moves, severity changes', async () => {
    await assertCountsMatch();
    const resolvedToday = async () =>
      (await db.stats.stats({ days: 30, recentHours: 24 })).daily.at(-1)!.resolved;
    const resolvedBefore = await resolvedToday();
    const outcome = await db.scans.ingest(
      ingestBatchOf(agents[0]!, ['libpkg5', 'newpkg-1', 'newpkg-2'], {
        availableVersion: '9',
        severity: 'critical',
        source: 'x',
      }),
    );
    assert.equal(outcome.status, 'stored');
    assert.ok(outcome.resolved > 0, 'the complete scan resolved what it no longer reports');
    // Resolutions and discoveries come from one statement: both reach the daily series.
    assert.equal(await resolvedToday(), resolvedBefore + outcome.resolved);
    const keys = await db.updates.keysByFilter({ agentIds: [agents[1]!], statuses: ['pending'] }, 5);
    await db.packages.transition(keys, 'approved', ['pending']);
    await assertCountsMatch();
    const stats = await db.stats.stats({ days: 30, recentHours: 24 });
    assert.equal(stats.daily.at(-1)!.discovered >= 2, true, "today's discoveries counted");
  });

  it('follow an agent deletion (the cascade) in both count tables', async () => {
    const before = await db.stats.stats({ days: 30, recentHours: 24 });
    const gone = agents[2]!;
    const itsRows = await listCount(db, { agentIds: [gone] });
    assert.ok(await db.agents.delete(gone));
    await assertCountsMatch();
    const after = await db.stats.stats({ days: 30, recentHours: 24 });
    const total = (s: typeof before) => Object.values(s.byStatus).reduce((a, b) => a + b, 0);
    assert.equal(total(after), total(before) - itsRows);
    const discovered = (s: typeof before) => s.daily.reduce((n, p) => n + p.discovered, 0);
    assert.equal(discovered(after), discovered(before) - itsRows, 'its discovery events left the series');
    assert.deepEqual(await db.fleet.packageCounts(gone), []);
  });
});
