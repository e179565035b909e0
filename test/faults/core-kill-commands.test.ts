import assert from 'node:assert/strict';
import { once } from 'node:events';
import { ACTIVE_COMMAND_STATUSES } from '../../broker/protocol/index.js';
import { describePostgres, withPgClient } from '../helpers/databases.js';
import { until } from '../agent/helpers/agent-fixture.js';
import { coreWithTestAgents } from './helpers/core-with-agents.js';

/**
 * `kill -9` of the core while commands are in flight (issue 25): a dry run whose delivery
 * marks were not written yet and a scan its agent is running. After the restart each ran once,
 * ends `succeeded` with the times it was sent and acknowledged, and nothing is left active.
 */
describePostgres('faults: the core killed with SIGKILL while commands are in flight', () => {
  const fixture = coreWithTestAgents();

  async function agentWith(token: string, scanSleepSeconds: number | null = null) {
    const { agentId, control } = await fixture.startAgent(
      token,
      (c) => (c.scanSleepSeconds = scanSleepSeconds),
    );
    const db = await fixture.core.db();
    await until('the agent to be online at the core', async () => {
      const agent = await db.agents.findById(agentId);
      return agent?.online && agent.capabilities.length > 0;
    });
    return { agentId, control };
  }

  it('a dry run and a running scan each run once and end succeeded with their marks; nothing stays active', async function () {
    this.timeout(180_000);
    const { core } = fixture;
    const token = await core.createToken(2);
    const dryRunner = await agentWith(token);
    const scanner = await agentWith(token, 2);

    const scanStarted = once(scanner.control.events, 'scan-started');
    const scan = await core.issue(scanner.agentId, 'scan', { plugin: 'testpm' });
    await scanStarted;
    const dryRun = await core.issue(dryRunner.agentId, 'dry_run', {
      plugin: 'testpm',
      packages: [{ name: 'alpha' }],
    });
    // At once: the dry run's delivery marks are still gathering, the scan is running.
    await core.kill9();
    await core.up();

    const db = await core.db();
    for (const id of [scan.id, dryRun.id]) {
      const done = await until(
        `command ${id} to be final`,
        async () => {
          const c = await db.commands.findById(id);
          return c && !(ACTIVE_COMMAND_STATUSES as readonly string[]).includes(c.status) ? c : null;
        },
        90_000,
      );
      assert.equal(done.status, 'succeeded', `${done.type}: ${done.error ?? ''}`);
      assert.ok(done.sentAt, `${done.type}: sentAt was recorded`);
      assert.ok(done.acknowledgedAt, `${done.type}: acknowledgedAt was recorded`);
    }
    assert.equal(dryRunner.control.calls.dryRun, 1, 'the dry run ran once');
    assert.equal(scanner.control.calls.scan, 1, 'the scan ran once');
    const active = await withPgClient(async (client) => {
      const { rows } = await client.query<{ n: string }>(
        `select count(*) as n from "${core.schema}".commands where status = any($1)`,
        [ACTIVE_COMMAND_STATUSES],
      );
      return Number(rows[0]!.n);
    });
    assert.equal(active, 0, 'no command is left pending, sent or running');
  });
});
