import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { AgentHandle } from '../../agent/daemon.js';
import { tempDir } from '../helpers/cli.js';
import { runAgentCli } from '../agent/helpers/agent-cli.js';
import { nextEvent, registerTestAgent, startTestAgent, until } from '../agent/helpers/agent-fixture.js';
import { commandIn, issue, settledAtCore } from '../agent/helpers/commands.js';
import { RestartableCore } from '../agent/helpers/restartable-core.js';
import { testPackageManager } from '../agent/helpers/test-plugin.js';
import { requireSmallDisks, SmallDisk } from './helpers/small-disk.js';

/**
 * A full disk on an agent (issue 25 §1, §2), on a real tmpfs: a command the journal cannot
 * record is refused, not run; results and scans that cannot be spooled still reach the core;
 * the problem is on record at the core and in `redflag-agent status`; nothing is lost once
 * there is room again.
 */
describe('faults: a full disk on an agent (real tmpfs)', function () {
  this.timeout(90_000);
  requireSmallDisks(this);
  let core: RestartableCore;
  let disk: SmallDisk | null = null;
  let agent: AgentHandle | null = null;
  const dirs: Array<{ remove(): void }> = [];

  before(async () => {
    core = await RestartableCore.start();
  });
  afterEach(async () => {
    disk?.free();
    await agent?.stop();
    agent = null;
    disk?.unmount();
    disk = null;
  });
  after(async () => {
    await core.close();
    for (const d of dirs) d.remove();
  });

  /** An agent whose state directory is a small disk of its own. */
  async function agentOnSmallDisk() {
    const dir = tempDir('rf-fault-disk-');
    dirs.push(dir);
    disk = SmallDisk.mount(256);
    const files = {
      ...(await registerTestAgent(core.httpUrl, await core.createToken(), dir.path)),
      stateDir: join(disk.path, 'state'),
    };
    const { entry, control } = testPackageManager();
    agent = await startTestAgent(files, [entry]);
    await nextEvent(agent.events, 'online');
    await settledAtCore(core, files.agentId);
    // Its first messages receipted: no file leaves the disk (freeing room) after the test fills it.
    await until('the spool to drain', () => agent!.spool.depth === 0);
    const cli = ['--config', files.configPath, '--state-dir', files.stateDir];
    return { files, control, agent, disk, cli };
  }

  const storageEvents = (agentId: string) =>
    core.core.db.systemEvents.list({ agentId, type: 'agent.storage' });

  it('a command its journal cannot record is refused with the reason, not run; once there is room it runs', async () => {
    const { files, control, disk } = await agentOnSmallDisk();
    disk.fill();
    const refused = await commandIn(
      core,
      (await issue(core, files.agentId, 'scan', { plugin: 'testpm' })).id,
    );
    assert.equal(refused.status, 'rejected');
    assert.match(refused.error ?? '', /^storage_error: .*not run.*no space left on device/);
    assert.equal(control.calls.scan, 0, 'nothing ran');

    disk.free();
    const ran = await commandIn(core, (await issue(core, files.agentId, 'scan', { plugin: 'testpm' })).id);
    assert.equal(ran.status, 'succeeded', ran.error ?? '');
    assert.equal(control.calls.scan, 1);
  });

  it('a scan and its result that cannot be spooled reach the core; the problem is an event and in status', async () => {
    const { files, control, agent, disk, cli } = await agentOnSmallDisk();
    // The disk fills once the command is journalled and acknowledged, while the plugin scans.
    control.events.once('scan-started', () => disk.fill());
    const command = await issue(core, files.agentId, 'scan', { plugin: 'testpm' });
    const done = await commandIn(core, command.id);
    assert.equal(done.status, 'succeeded', done.error ?? '');
    const stored = await core.core.db.packages.listForAgent(files.agentId, { plugin: 'testpm' });
    assert.deepEqual(
      stored.map((p) => p.name),
      ['alpha', 'beta'],
      'the scan held in memory was stored',
    );
    const failing = await until('the storage event at the core', async () =>
      (await storageEvents(files.agentId)).find((e) => e.subtype === 'write_failed'),
    );
    assert.equal(failing.severity, 'error');
    assert.match(failing.message, /cannot write its state directory .*no space left on device/);

    const status = JSON.parse((await runAgentCli(['status', '--json', ...cli])).stdout) as {
      daemon: { storage: { state: string; problem: { code: string } | null } };
    };
    assert.equal(status.daemon.storage.state, 'failing');
    assert.equal(status.daemon.storage.problem?.code, 'ENOSPC');
    const human = await runAgentCli(['status', ...cli]);
    assert.match(human.stdout, /^Storage: +failing since .*no space left on device/m);

    // Room again: the next command is journalled, the problem clears, and the core hears so.
    disk.free();
    const next = await commandIn(core, (await issue(core, files.agentId, 'scan', { plugin: 'testpm' })).id);
    assert.equal(next.status, 'succeeded', next.error ?? '');
    await until('the recovery event', async () =>
      (await storageEvents(files.agentId)).some((e) => e.subtype === 'recovered'),
    );
    await until('the spool to drain', () => agent.spool.depth === 0);
    const after = JSON.parse((await runAgentCli(['status', '--json', ...cli])).stdout) as {
      daemon: { storage: { state: string } };
    };
    assert.equal(after.daemon.storage.state, 'ok');
  });
});
