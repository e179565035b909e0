import assert from 'node:assert/strict';
import type { AgentHandle } from '../../agent/daemon.js';
import { describePostgres, withPgClient } from '../helpers/databases.js';
import { until } from '../agent/helpers/agent-fixture.js';
import type { TestPmControl } from '../agent/helpers/test-plugin.js';
import { coreWithTestAgents, type StartedTestAgent } from './helpers/core-with-agents.js';

const AGENTS = 3;
const SCANS = 4;

/**
 * `kill -9` of the core while its agents scan (issue 25): some scans are being stored, the
 * rest wait in the agents' spools while the core is down. After the restart every spool
 * drains, and each scan is stored once, or was superseded in the spool by a newer complete
 * scan of the same plugin (DESIGN.md §3.4); the newest scan of each agent is what the core shows.
 */
describePostgres('faults: the core killed with SIGKILL while agents scan', () => {
  const fixture = coreWithTestAgents();

  /** Scans `SCANS` times, each seeing a newer version of alpha; returns the batch ids in order. */
  async function scanRepeatedly(agent: AgentHandle, control: TestPmControl): Promise<string[]> {
    const batches: string[] = [];
    for (let i = 1; i <= SCANS; i++) {
      control.packages = [{ name: 'alpha', current: '1.0', available: `1.${i}` }];
      batches.push((await agent.scanNow('testpm')).message.batchId);
      await new Promise((r) => setTimeout(r, 200));
    }
    return batches;
  }

  it('every scan is stored once or superseded by a newer complete one, and every spool drains', async function () {
    this.timeout(180_000);
    const { core } = fixture;
    const token = await core.createToken(AGENTS);
    const fleet: StartedTestAgent[] = [];
    for (let i = 0; i < AGENTS; i++) fleet.push(await fixture.startAgent(token));
    const storedBatches = () =>
      withPgClient(async (client) => {
        const { rows } = await client.query<{ id: string; agent_id: string }>(
          `select id, agent_id from "${core.schema}".scan_batches`,
        );
        return rows;
      });

    const scanning = Promise.all(fleet.map(({ agent, control }) => scanRepeatedly(agent, control)));
    await until('the first scan to be stored', async () => (await storedBatches()).length > 0, 60_000);
    await core.kill9();
    const sent = await scanning;
    await core.up();

    for (const { agent } of fleet)
      await until('the agent spool to drain', () => agent.spool.depth === 0, 90_000);
    const stored = await storedBatches();
    const db = await core.db();
    for (const [i, { agentId }] of fleet.entries()) {
      const mine = stored.filter((b) => b.agent_id === agentId).map((b) => b.id);
      assert.deepEqual(
        mine.filter((id) => !sent[i]!.includes(id)),
        [],
        'only scans the agent made are stored',
      );
      assert.ok(mine.includes(sent[i]!.at(-1)!), 'the newest scan is stored');
      // Each stored scan saw a new version of alpha: one event each in its history, none twice.
      const history = (await db.packages.eventsForAgent(agentId)).filter((e) => e.package === 'alpha');
      assert.deepEqual(history.map((e) => e.batchId).sort(), [...mine].sort());
      const state = await db.packages.inStatus(agentId, 'testpm', 'pending');
      assert.deepEqual(
        state.map((p) => [p.name, p.availableVersion]),
        [['alpha', `1.${SCANS}`]],
        'the core shows what the newest scan saw',
      );
    }
  });
});
