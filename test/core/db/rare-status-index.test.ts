import assert from 'node:assert/strict';
import type { Database } from '../../../core/db/index.js';
import { describeEachDatabase, withPgClient } from '../../helpers/databases.js';
import { ingestBatchOf } from '../../helpers/ingest-batch.js';

// The status index holds only packages in a status few are in (migration 20261203130000): a
// scan's pending packages cost it nothing, and what reads it still finds its packages.
describeEachDatabase('core/db packages in a rare status', (target) => {
  let db: Database;
  let schema: string;
  let agents: string[];
  const names = Array.from({ length: 300 }, (_, i) => `pkg-${String(i).padStart(3, '0')}`);

  before(async function () {
    this.timeout(60_000);
    const options = target.freshOptions();
    schema = options.schema;
    db = await target.open(undefined, options);
    await db.migrate();
    agents = await db.seed.seedFleet({ agents: 10, packagesPerAgent: 0 });
    for (const agentId of agents) await db.scans.ingest(ingestBatchOf(agentId, names));
    const ref = (agentId: string, name: string) => ({ agentId, plugin: 'apt', name, arch: 'amd64' });
    await db.packages.transition([ref(agents[2]!, 'pkg-007'), ref(agents[5]!, 'pkg-100')], 'approved', [
      'pending',
    ]);
    await db.packages.transition([ref(agents[7]!, 'pkg-200')], 'failed', ['pending']);
  });

  it('finds the approvals waiting for a maintenance window, and only those', async () => {
    const waiting = await db.policies.waitingApprovals();
    assert.deepEqual(waiting.map((w) => w.agentId).sort(), [agents[2]!, agents[5]!].sort());
  });

  it('lists the failed packages of the fleet when the list is filtered to them', async () => {
    const page = await db.updates.page({
      filter: { statuses: ['failed'] },
      sort: 'severity',
      order: 'desc',
      limit: 50,
      after: null,
    });
    assert.deepEqual(
      page.items.map((i) => [i.agentId, i.name]),
      [[agents[7]!, 'pkg-200']],
    );
  });

  if (target.name === 'PostgreSQL')
    it('reads them through an index that holds no pending package', async () => {
      await withPgClient(async (client) => {
        await client.query(`set search_path to "${schema}"`);
        await client.query('analyze package_state');
        const definitions = (
          await client.query<{ indexdef: string }>(
            `select indexdef from pg_indexes where schemaname = $1 and tablename = 'package_state'
                and indexdef like '%(status)%'`,
            [schema],
          )
        ).rows.map((r) => r.indexdef);
        assert.equal(definitions.length, 1, definitions.join('\n'));
        assert.match(definitions[0]!, /WHERE .*'pending'/);
        const plan = (
          await client.query<{ 'QUERY PLAN': string }>(
            `explain select distinct agent_id, plugin from package_state where status = 'approved'`,
          )
        ).rows
          .map((r) => r['QUERY PLAN'])
          .join('\n');
        assert.match(plan, /package_state_rare_status/, plan);
      });
    });
});
