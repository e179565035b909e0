import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { AgentHandle } from '../../../agent/daemon.js';
import { resultIdFor } from '../../../agent/executor/command-run.js';
import { BUILTIN_AGENT_PLUGINS } from '../../../agent/plugins.js';
import { readScanCache } from '../../../agent/state/scan-cache.js';
import type { ReceiptMessage } from '../../../broker/protocol/index.js';
import type { Command } from '../../../core/db/index.js';
import { tempDir } from '../../helpers/cli.js';
import { Fifo } from '../../plugins/apt/helpers/fifo.js';
import { LocalRepo, must } from '../../plugins/apt/helpers/local-repo.js';
import { requireOrSkip } from '../../plugins/apt/helpers/requirements.js';
import { SlowMirror } from '../../plugins/apt/helpers/slow-mirror.js';
import {
  type AgentFiles,
  nextEvent,
  record,
  registerTestAgent,
  startTestAgent,
  until,
} from '../helpers/agent-fixture.js';
import { commandIn, issue, settledAtCore } from '../helpers/commands.js';
import { RestartableCore } from '../helpers/restartable-core.js';

const TOOL = 'rf-i21-tool';
const LIB = 'rf-i21-lib';
const APT_PLUGIN = BUILTIN_AGENT_PLUGINS.filter((p) => p.id === 'plugins/apt');

function dpkgVersion(name: string): string | null {
  const result = spawnSync('dpkg-query', ['-W', '-f', '${db:Status-Abbrev}\t${Version}', name], {
    encoding: 'utf8',
  });
  const [status, version] = result.stdout.split('\t');
  return result.status === 0 && status?.[1] === 'i' ? (version ?? null) : null;
}

/**
 * Issue 21 §3 and §6 end to end: a real core, the agent daemon with the real apt plugin, real
 * apt and dpkg installing from a local repository served by a local mirror. Slowness is made,
 * never waited for: a mirror that holds a request, a dpkg status file that is a named pipe, a
 * maintainer script that reads a named pipe; each tells the test when apt got there.
 */
describe('agent executor with the real apt plugin (real core, apt and dpkg, root)', function () {
  this.timeout(120_000);
  const repo = new LocalRepo('rf-i21-security');
  const gate = join(repo.root, 'postinst-gate');
  let mirror: SlowMirror;
  let core: RestartableCore;
  const dirs: Array<{ remove(): void }> = [];
  const agents: AgentHandle[] = [];
  let files: AgentFiles;
  let agent: AgentHandle;

  const purge = () => spawnSync('dpkg', ['--purge', TOOL, LIB], { stdio: 'ignore' });

  before(async function () {
    requireOrSkip(
      this,
      {
        commands: ['apt', 'apt-get', 'dpkg', 'dpkg-deb', 'dpkg-query', 'dpkg-scanpackages', 'mkfifo'],
        root: true,
      },
      'install dpkg-dev (dpkg-scanpackages) and run the tests as root (.ci/run)',
    );
    purge();
    const tool = repo.addPackage({ name: TOOL, version: '1.0', depends: `${LIB} (>= 1.0)` });
    const lib = repo.addPackage({ name: LIB, version: '1.0' });
    // 1.1: its postinst waits on the gate while the gate exists (the install past its point
    // of no return), and goes straight through otherwise.
    repo.addPackage({
      name: TOOL,
      version: '1.1',
      depends: `${LIB} (>= 1.1)`,
      postinst: `if [ -p '${gate}' ]; then read line < '${gate}'; fi\nexit 0`,
    });
    repo.addPackage({ name: LIB, version: '1.1' });
    repo.index();
    must('dpkg', ['-i', lib, tool]);
    mirror = await SlowMirror.serve(repo.pool);
    core = await RestartableCore.start();
    ({ files, agent } = await online(repo.aptOptions(mirror.sourcesList(repo.root))));
  });

  after(async () => {
    for (const a of agents.splice(0)) await a.stop();
    await core?.close();
    await mirror?.close();
    purge();
    repo.remove();
    for (const d of dirs) d.remove();
  });

  async function online(aptOptions: string[]): Promise<{ files: AgentFiles; agent: AgentHandle }> {
    const dir = tempDir('rf-agent-apt-');
    dirs.push(dir);
    const enrolled = await registerTestAgent(core.httpUrl, await core.createToken(), dir.path, {
      plugins: {
        apt: { aptOptions, rebootRequiredFile: join(repo.root, 'reboot-required'), needrestartPath: '' },
      },
    });
    const started = await startTestAgent(enrolled, APT_PLUGIN);
    agents.push(started);
    await nextEvent(started.events, 'online');
    await settledAtCore(core, enrolled.agentId);
    assert.ok(started.plugins.isAvailable('apt'), JSON.stringify(started.plugins.list()));
    return { files: enrolled, agent: started };
  }

  async function succeeded(command: Promise<Command>): Promise<Command> {
    const done = await commandIn(core, (await command).id);
    assert.equal(done.status, 'succeeded', done.error ?? '');
    return done;
  }

  const scan = () => succeeded(issue(core, files.agentId, 'scan', { plugin: 'apt' }));

  async function dryRun(agentId: string, name: string): Promise<Record<string, unknown>> {
    const done = await succeeded(issue(core, agentId, 'dry_run', { plugin: 'apt', packages: [{ name }] }));
    return (done.result?.data as { transaction: Record<string, unknown> }).transaction;
  }

  async function running(id: string): Promise<Command> {
    return commandIn(core, id, ['acknowledged', 'running']);
  }

  async function stateOf(name: string) {
    const states = await core.core.db.packages.listForAgent(files.agentId, {
      plugin: 'apt',
      includeClosed: true,
    });
    return states.find((s) => s.name === name);
  }

  describe('issue 21 §6: cancel reaches a running command', () => {
    it('stops a running scan at once: apt-get update on a stalled mirror is killed, the scan ends cancelled', async () => {
      const stalled = mirror.stall(/Release$/);
      try {
        const command = await issue(core, files.agentId, 'scan', { plugin: 'apt' });
        const held = await stalled.first; // apt-get update is fetching from the mirror now
        await running(command.id);
        const { command: target, cancel } = await core.core.dispatcher.cancel(command.id, 'test');
        assert.ok(cancel, 'the running scan is the agent’s to stop: a cancel command went to it');
        assert.notEqual(target.status, 'cancelled', 'the core does not decide for the agent');
        const stopped = await commandIn(core, command.id);
        assert.equal(stopped.status, 'cancelled', stopped.error ?? '');
        assert.match(stopped.error ?? '', new RegExp(`cancelled by command ${cancel.id}`));
        const answer = await commandIn(core, cancel.id);
        assert.equal(answer.status, 'succeeded', answer.error ?? '');
        assert.equal((answer.result?.data as { state: string }).state, 'stopped');
        await held.closed; // apt's http method is gone with its process group
      } finally {
        stalled.release();
      }
    });

    it('stops a running dry run at once: apt-get reading a stalled dpkg status file is killed', async () => {
      const status = Fifo.create(join(repo.root, 'status-fifo'));
      try {
        const slow = await online([
          ...repo.aptOptions(mirror.sourcesList(repo.root)),
          `Dir::State::status=${status.path}`,
        ]);
        const command = await issue(core, slow.files.agentId, 'dry_run', {
          plugin: 'apt',
          packages: [{ name: TOOL }],
        });
        await status.readerOpened(); // apt-get -s is reading the dpkg database now
        await running(command.id);
        const { cancel } = await core.core.dispatcher.cancel(command.id, 'test');
        assert.ok(cancel);
        const stopped = await commandIn(core, command.id);
        assert.equal(stopped.status, 'cancelled', stopped.error ?? '');
        assert.equal((await commandIn(core, cancel.id)).status, 'succeeded');
        assert.equal(await status.write('Package: x\n'), false, 'apt-get no longer reads: it was killed');
      } finally {
        await status.remove();
      }
    });

    it('stops an install at its safe point (downloading): nothing is installed', async () => {
      await scan();
      const transaction = await dryRun(files.agentId, TOOL);
      const stalled = mirror.stall(new RegExp(`${TOOL}_1\\.1_all\\.deb$`));
      try {
        const install = await issue(core, files.agentId, 'install', {
          plugin: 'apt',
          packages: [{ name: TOOL }],
          expected: transaction,
        });
        const held = await stalled.first; // apt-get --download-only is fetching the archive
        await running(install.id);
        const { cancel } = await core.core.dispatcher.cancel(install.id, 'test');
        assert.ok(cancel);
        const stopped = await commandIn(core, install.id);
        assert.equal(stopped.status, 'cancelled', stopped.error ?? '');
        const answer = await commandIn(core, cancel.id);
        assert.equal(answer.status, 'succeeded', answer.error ?? '');
        assert.equal((answer.result?.data as { state: string }).state, 'stopped');
        await held.closed;
      } finally {
        stalled.release();
      }
      assert.equal(dpkgVersion(TOOL), '1.0');
      assert.equal(dpkgVersion(LIB), '1.0');
    });

    it('refuses to stop an install past its point of no return (dpkg running): cannot stop safely, the install finishes', async () => {
      const transaction = await dryRun(files.agentId, TOOL);
      const postinst = Fifo.create(gate);
      try {
        const install = await issue(core, files.agentId, 'install', {
          plugin: 'apt',
          packages: [{ name: TOOL }],
          expected: transaction,
        });
        await postinst.readerOpened(); // dpkg is configuring rf-i21-tool 1.1 now
        await running(install.id);
        const { cancel } = await core.core.dispatcher.cancel(install.id, 'test');
        assert.ok(cancel);
        const refused = await commandIn(core, cancel.id);
        assert.equal(refused.status, 'failed');
        assert.match(refused.error ?? '', /cannot stop safely/);
        assert.equal((refused.result?.data as { code: string }).code, 'cannot_stop_safely');
        assert.ok(
          (await core.core.db.systemEvents.list({ type: 'command', agentId: files.agentId })).some(
            (e) => e.message.includes(cancel.id) && /cannot stop safely/.test(e.message),
          ),
          'a system event says so',
        );
        assert.equal((await core.core.db.commands.findById(install.id))?.status, 'running');
        assert.equal(await postinst.write('go\n'), true);
        await postinst.remove();
        const done = await commandIn(core, install.id);
        assert.equal(done.status, 'succeeded', done.error ?? '');
      } finally {
        await postinst.remove();
      }
      assert.equal(dpkgVersion(TOOL), '1.1');
      assert.equal(dpkgVersion(LIB), '1.1');
    });
  });

  describe('issue 21 §3: the inventory is sent again after every install', () => {
    it('a confirmed dependency upgrade leaves the pending list at once, without another scan', async () => {
      repo.addPackage({ name: TOOL, version: '1.2', depends: `${LIB} (>= 1.2)` });
      repo.addPackage({ name: LIB, version: '1.2' });
      repo.index();
      await scan();
      assert.deepEqual([(await stateOf(TOOL))?.status, (await stateOf(LIB))?.status], ['pending', 'pending']);
      const ref = (name: string) => ({ agentId: files.agentId, plugin: 'apt', name, arch: 'all' });
      await core.core.workflow.approve([ref(TOOL)], 'test');
      await until(
        'the dry run to ask for a confirmation of the extra upgrade',
        async () => (await stateOf(TOOL))?.status === 'pending_dependencies',
      );
      const receipts = record(agent.events, 'receipt');
      const before = await core.core.db.commands.listForAgent(files.agentId);
      assert.equal(await core.core.workflow.confirm(files.agentId, 'apt', 'test'), 1);
      const issued = (await core.core.db.commands.listForAgent(files.agentId)).find(
        (c) => c.type === 'install' && !before.some((b) => b.id === c.id),
      );
      assert.ok(issued, 'the confirmation issued the install');
      const install = await commandIn(core, issued.id);
      assert.equal(install.status, 'succeeded', install.error ?? '');
      assert.equal(dpkgVersion(LIB), '1.2');
      // What the user sees: the dependency is no longer an update waiting for them.
      const lib = await until('libB to leave the pending list', async () => {
        const s = await stateOf(LIB);
        return s && s.status !== 'pending' ? s : null;
      });
      assert.equal(lib.status, 'resolved');
      assert.equal((await stateOf(TOOL))?.status, 'updated');
      const after = await core.core.db.commands.listForAgent(files.agentId);
      assert.deepEqual(
        after.filter((c) => !before.some((b) => b.id === c.id)).map((c) => c.type),
        ['install'],
        'no scan command was issued: the agent sent the scan on its own',
      );
      await scanAfterResult(receipts, install.id);
    });

    it('after a failed install too, a complete scan follows the result', async () => {
      repo.addPackage({ name: TOOL, version: '1.3', depends: `${LIB} (>= 1.2)` });
      const broken = repo.addPackage({ name: LIB, version: '1.3' });
      repo.index();
      must('truncate', ['-s', '10', broken]); // the mirror serves a damaged archive: the download fails
      await scan();
      const transaction = await dryRun(files.agentId, LIB);
      const batches = await core.core.db.packages.batchCount(files.agentId);
      const receipts = record(agent.events, 'receipt');
      const install = await commandIn(
        core,
        (
          await issue(core, files.agentId, 'install', {
            plugin: 'apt',
            packages: [{ name: LIB }],
            expected: transaction,
          })
        ).id,
      );
      assert.equal(install.status, 'failed');
      assert.match(install.error ?? '', /downloading the packages failed, nothing was changed/);
      await scanAfterResult(receipts, install.id);
      assert.equal(await core.core.db.packages.batchCount(files.agentId), batches + 1);
      assert.equal((await stateOf(LIB))?.availableVersion, '1.3');
    });
  });

  /**
   * The core stored the install's result, then a complete scan of apt the agent sent on its own
   * (the agent's scan cache says what it sent).
   */
  async function scanAfterResult(receipts: Array<[ReceiptMessage, boolean]>, installId: string) {
    const resultId = resultIdFor(installId);
    const scanReceipt = await until('a scan receipted after the install result', () => {
      const at = receipts.findIndex(([r]) => r.ackOf === resultId);
      return at >= 0 && receipts.slice(at + 1).find(([r]) => r.type === 'scan' && r.status === 'stored');
    });
    const cached = (await readScanCache(files.stateDir)).find((c) => c.plugin === 'apt');
    assert.equal(cached?.last.complete, true, JSON.stringify(cached?.last));
    assert.ok(scanReceipt);
  }
});
