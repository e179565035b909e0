import assert from 'node:assert/strict';
import type { AgentHandle } from '../../agent/daemon.js';
import { tempDir } from '../helpers/cli.js';
import {
  type AgentFiles,
  nextEvent,
  record,
  registerTestAgent,
  startTestAgent,
  until,
} from './helpers/agent-fixture.js';
import { commandIn, issue, settledAtCore } from './helpers/commands.js';
import { RestartableCore } from './helpers/restartable-core.js';
import { testPackageManager } from './helpers/test-plugin.js';

describe('agent spool delivery across a core outage (real core, stopped and started)', function () {
  this.timeout(90_000);
  let core: RestartableCore;
  let dir: { path: string; remove(): void };
  let files: AgentFiles;
  let agent: AgentHandle | null = null;

  before(async () => {
    core = await RestartableCore.start();
    dir = tempDir('rf-agent-outage-');
    files = await registerTestAgent(core.httpUrl, await core.createToken(), dir.path);
  });
  after(async () => {
    await agent?.stop();
    await core.close();
    dir.remove();
  });

  it('scans twice and finishes a command while the core is down; after a restart of the agent and the core, every report arrives once, in order', async () => {
    const one = testPackageManager('testpm');
    const two = testPackageManager('testpm2', [{ name: 'gizmo', current: '3.0', available: '3.1' }]);
    agent = await startTestAgent(files, [one.entry, two.entry]);
    await nextEvent(agent.events, 'online');
    await settledAtCore(core, files.agentId);
    await until('an empty spool', () => agent!.spool.depth === 0);

    // An install is running when the core goes away.
    const dry = await commandIn(
      core,
      (await issue(core, files.agentId, 'dry_run', { plugin: 'testpm', packages: [{ name: 'alpha' }] })).id,
    );
    const gate = one.control.holdInstalls();
    const started = new Promise((resolve) => one.control.events.once('install-started', resolve));
    const install = await issue(core, files.agentId, 'install', {
      plugin: 'testpm',
      packages: [{ name: 'alpha' }],
      expected: (dry.result?.data as { transaction: unknown }).transaction,
    });
    await started;
    await commandIn(core, install.id, ['running']);
    const offline = nextEvent(agent.events, 'offline');
    await core.down();
    await offline;

    // Offline: two scans of testpm2 (the second supersedes the first), a failed one, the
    // install finishes, then a scan of testpm once its install let go of the lock.
    const superseded = await agent.scanNow('testpm2');
    const first = await agent.scanNow('testpm2');
    two.control.scanFails = 'E: the mirror is unreachable';
    const failed = await agent.scanNow('testpm2');
    assert.equal(failed.message.complete, false);
    const result = nextEvent(agent.events, 'result', (r) => r.commandId === install.id);
    gate.release();
    const [finished] = await result;
    assert.equal(finished.status, 'succeeded', 'the install ran to its end without the core');
    const last = await agent.scanNow('testpm');
    const expected = [first.message.id, failed.message.id, finished.id, last.message.id];
    assert.deepEqual(
      agent.spool.list().map((e) => e.id),
      expected,
      'the spool holds the reports in order, the superseded scan gone',
    );

    // The agent restarts while the core is still down: the spool comes back from disk.
    await agent.stop();
    agent = await startTestAgent(files, [one.entry, two.entry]);
    assert.deepEqual(
      agent.spool.list().map((e) => e.id),
      expected,
    );
    const receipts = record(agent.events, 'receipt');
    await core.up();
    await until('the spool to drain', () => agent!.spool.depth === 0, 30_000);
    // A message leaves the spool before its receipt event is emitted: wait for the events too.
    await until('a receipt for every report', () => receipts.length >= expected.length);

    assert.deepEqual(
      receipts.map(([r]) => [r.ackOf, r.status]),
      expected.map((id) => [id, 'stored']),
      'each report stored once, in the order it was made; nothing answered as a duplicate',
    );
    assert.ok(
      !receipts.some(([r]) => r.ackOf === superseded.message.id),
      'the superseded scan was never sent',
    );
    const done = await commandIn(core, install.id);
    assert.equal(done.status, 'succeeded');
    assert.deepEqual(
      (done.result?.data as { changed: Array<{ name: string }> }).changed.map((c) => c.name),
      ['alpha'],
    );
    assert.equal(await core.core.db.packages.batchCount(files.agentId), 3, 'three scan batches at the core');
    const finishedEvents = (
      await core.core.db.systemEvents.list({ agentId: files.agentId, type: 'command' })
    ).filter((e) => e.metadata.commandId === install.id && e.subtype === 'succeeded');
    assert.equal(finishedEvents.length, 1, 'the result was recorded once');
    const gizmo = await core.core.db.packages.listForAgent(files.agentId, { plugin: 'testpm2' });
    assert.deepEqual(
      gizmo.map((p) => [p.name, p.availableVersion]),
      [['gizmo', '3.1']],
      'the failed scan resolved nothing',
    );
  });
});
