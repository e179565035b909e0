import assert from 'node:assert/strict';
import type { AgentHandle } from '../../agent/daemon.js';
import { tempDir } from '../helpers/cli.js';
import { describePostgres, newSchemaName, pgUrl } from '../helpers/databases.js';
import { nextEvent, registerTestAgent, startTestAgent, until } from '../agent/helpers/agent-fixture.js';
import { commandIn, issue, settledAtCore } from '../agent/helpers/commands.js';
import { RestartableCore } from '../agent/helpers/restartable-core.js';
import { testPackageManager } from '../agent/helpers/test-plugin.js';
import { TcpProxy } from './helpers/tcp-proxy.js';

/**
 * The core's database drops out while a command is delivered (issue 25 §3): the core reaches
 * PostgreSQL through a proxy the test cuts right after issuing a dry run, the agent runs it
 * meanwhile, and the database comes back. The command must end `succeeded` with the times it
 * was sent and acknowledged, never left without them; and the result the core received while
 * the database was away is stored once it is back, without the agent sending it again.
 */
describePostgres('faults: the database drops out during delivery', () => {
  let proxy: TcpProxy;
  let core: RestartableCore;
  let agent: AgentHandle | null = null;
  const dirs: Array<{ remove(): void }> = [];

  before(async function () {
    this.timeout(60_000);
    const url = new URL(pgUrl()!);
    proxy = await TcpProxy.start({ host: url.hostname, port: Number(url.port || 5432) });
    url.host = `127.0.0.1:${proxy.port}`;
    core = await RestartableCore.start((config) => {
      config.database.url = url.href;
      config.database.schema = newSchemaName();
    });
  });
  afterEach(async () => {
    proxy.resume();
    await agent?.stop();
    agent = null;
  });
  after(async () => {
    proxy.resume();
    await core?.close();
    await proxy?.close();
    for (const d of dirs) d.remove();
  });

  /** The outage lasts a moment more: the core tries to store what the agent sent while it does. */
  const outageLasts = () => new Promise((r) => setTimeout(r, 1500));

  /**
   * An agent that would send what it spooled again only after an hour: the core must store what
   * it received during the outage by itself (issue 25 §5), or these tests run out of time.
   */
  async function patientAgent() {
    const dir = tempDir('rf-fault-db-');
    dirs.push(dir);
    const files = await registerTestAgent(core.httpUrl, await core.createToken(), dir.path);
    agent = await startTestAgent(files, [testPackageManager().entry], { resendAfterMs: 3_600_000 });
    await nextEvent(agent.events, 'online');
    await settledAtCore(core, files.agentId);
    return files.agentId;
  }

  it('a scan sent while the database is away is stored once it is back, without a re-send', async function () {
    this.timeout(90_000);
    const agentId = await patientAgent();
    proxy.cut();
    const { message } = await agent!.scanNow('testpm');
    await outageLasts();
    proxy.resume();
    await until('the agent spool to drain', () => agent!.spool.depth === 0, 60_000);
    const events = await core.core.db.packages.eventsForAgent(agentId, { batchId: message.batchId });
    assert.deepEqual(events.map((e) => [e.package, e.kind]).sort(), [
      ['alpha', 'discovered'],
      ['beta', 'discovered'],
    ]);
  });

  it('a dry run delivered while the database is away ends succeeded, with its sent and acknowledged times, without a re-send', async function () {
    this.timeout(90_000);
    const agentId = await patientAgent();
    const results = nextEvent(agent!.events, 'result');
    const command = await issue(core, agentId, 'dry_run', {
      plugin: 'testpm',
      packages: [{ name: 'alpha' }],
    });
    // Before the delivery marks are written (they gather for a moment first).
    proxy.cut();
    const [result] = await results;
    assert.equal(result.commandId, command.id);
    assert.equal(result.status, 'succeeded');
    await outageLasts();
    proxy.resume();

    const done = await commandIn(core, command.id, undefined, 60_000);
    assert.equal(done.status, 'succeeded', done.error ?? '');
    assert.ok(done.sentAt, 'sentAt was recorded');
    assert.ok(done.acknowledgedAt, 'acknowledgedAt was recorded');
    await until('the agent spool to drain', () => agent!.spool.depth === 0);
  });
});
