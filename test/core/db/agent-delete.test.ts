import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Database } from '../../../core/db/index.js';
import { describeEachDatabase, withPgClient } from '../../helpers/databases.js';
import { ingestBatchOf } from '../../helpers/ingest-batch.js';

// package_state and update_events have no foreign key to agents (migration 20261203100000):
// a trigger on agents removes them, and these tests hold it to what the foreign keys did.
describeEachDatabase('core/db deleting an agent', (target) => {
  let db: Database;
  let schema: string;

  before(async () => {
    const options = target.freshOptions();
    schema = options.schema;
    db = await target.open(undefined, options);
    await db.migrate();
  });

  it('removes its package states and update events, and leaves other agents their own', async () => {
    const [gone, kept] = await db.seed.seedFleet({ agents: 2, packagesPerAgent: 0 });
    for (const agentId of [gone!, kept!])
      assert.equal((await db.scans.ingest(ingestBatchOf(agentId, ['openssl', 'curl']))).status, 'stored');
    assert.ok(await db.agents.delete(gone!));

    assert.deepEqual(await db.packages.listForAgent(gone!, { includeClosed: true }), []);
    assert.deepEqual(await db.packages.eventsForAgent(gone!), []);
    assert.deepEqual(await db.fleet.packageCounts(gone!), []);
    assert.equal((await db.packages.listForAgent(kept!)).length, 2);
    assert.equal((await db.packages.eventsForAgent(kept!)).length, 2);
  });

  if (target.name === 'PostgreSQL')
    it('removes what an ingest still in flight wrote: the delete waits for its commit', async () => {
      const [agentId] = await db.seed.seedFleet({ agents: 1, packagesPerAgent: 0, hostPrefix: 'race' });
      await withPgClient(async (ingest) => {
        await ingest.query(`set search_path to "${schema}"`);
        await ingest.query('begin');
        // What the scan ingest writes first: the batch row, checked against agents.
        await ingest.query(
          `insert into scan_batches (id, agent_id, plugin, complete, package_count, started_at, finished_at)
           values ($1, $2, 'apt', true, 1, now(), now())`,
          [randomUUID(), agentId],
        );
        let deleted = false;
        const deleting = db.agents.delete(agentId!).then((ok) => (deleted = ok));
        await new Promise((r) => setTimeout(r, 300));
        assert.equal(deleted, false, 'the delete waits for the ingest holding the agent');
        await ingest.query(
          `insert into package_state (agent_id, plugin, name, arch, current_version, available_version, severity,
                                      security, source, status, first_seen_at, last_seen_at, status_changed_at)
           values ($1, 'apt', 'openssl', 'amd64', '1', '2', 'high', true, 'x', 'pending', now(), now(), now())`,
          [agentId],
        );
        await ingest.query(
          `insert into update_events (agent_id, plugin, package, arch, from_version, to_version, kind, occurred_at)
           values ($1, 'apt', 'openssl', 'amd64', '1', '2', 'discovered', now())`,
          [agentId],
        );
        await ingest.query('commit');
        assert.equal(await deleting, true);
        const left = await ingest.query(
          `select (select count(*) from package_state where agent_id = $1)::int as states,
                  (select count(*) from update_events where agent_id = $1)::int as events`,
          [agentId],
        );
        assert.deepEqual(left.rows[0], { states: 0, events: 0 });
      });
    });
});
