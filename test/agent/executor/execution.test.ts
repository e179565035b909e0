import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPair, keyFingerprint } from '../../../broker/protocol/index.js';
import { type AgentFiles, nextEvent, record, until } from '../helpers/agent-fixture.js';
import { commandIn, issue, settledAtCore } from '../helpers/commands.js';
import { realCoreSuite } from '../helpers/real-core-suite.js';
import type { RestartableCore } from '../helpers/restartable-core.js';
import { signedCommand } from '../helpers/signing.js';
import { testPackageManager, type TestPmControl } from '../helpers/test-plugin.js';

describe('agent executor: running commands from the real core', function () {
  this.timeout(60_000);
  const suite = realCoreSuite('rf-agent-exec-');
  let core: RestartableCore;
  before(() => (core = suite.core));

  async function online(local: Parameters<typeof suite.enrol>[0] = {}) {
    const files = await suite.enrol(local);
    const { entry, control } = testPackageManager();
    const agent = await suite.start(files, [entry]);
    await nextEvent(agent.events, 'online');
    await settledAtCore(core, files.agentId);
    return { files, agent, control };
  }

  async function dryRun(files: AgentFiles, names: string[]) {
    const command = await issue(core, files.agentId, 'dry_run', {
      plugin: 'testpm',
      packages: names.map((name) => ({ name })),
    });
    const done = await commandIn(core, command.id);
    assert.equal(done.status, 'succeeded', done.error ?? '');
    return (done.result?.data as { transaction: Record<string, unknown> }).transaction;
  }

  it('scan: acknowledged, the scan reaches the core before the result, both receipted', async () => {
    const { files, agent, control } = await online();
    const receipts = record(agent.events, 'receipt');
    const command = await issue(core, files.agentId, 'scan', { plugin: 'testpm' });
    const done = await commandIn(core, command.id);
    assert.equal(done.status, 'succeeded', done.error ?? '');
    assert.equal(control.calls.scan, 1);
    const scans = (
      done.result?.data as { scans: Array<{ messageId: string; packages: number; complete: boolean }> }
    ).scans;
    assert.equal(scans.length, 1);
    assert.deepEqual([scans[0]!.packages, scans[0]!.complete], [2, true]);
    const stored = await core.core.db.packages.listForAgent(files.agentId, { plugin: 'testpm' });
    assert.deepEqual(
      stored.map((p) => [p.name, p.currentVersion, p.availableVersion]),
      [
        ['alpha', '1.0', '1.1'],
        ['beta', '2.0', '2.5'],
      ],
    );
    // (The first start also reports its config check as an event: not this test's business.)
    const ours = () => receipts.filter(([r]) => r.type !== 'event');
    await until('both receipts', () => ours().length >= 2);
    assert.deepEqual(
      ours().map(([r]) => [r.type, r.status]),
      [
        ['scan', 'stored'],
        ['result', 'stored'],
      ],
    );
    assert.equal(ours()[0]![0].ackOf, scans[0]!.messageId);
    assert.equal(agent.spool.depth, 0);
  });

  it('install: dry run, then the install with the confirmed transaction, progress streamed, per-package outcomes', async () => {
    const { files, control } = await online();
    const transaction = await dryRun(files, ['alpha']);
    assert.deepEqual(
      (transaction.upgrades as Array<{ name: string }>).map((u) => u.name),
      ['alpha'],
    );
    const command = await issue(core, files.agentId, 'install', {
      plugin: 'testpm',
      packages: [{ name: 'alpha' }],
      expected: transaction,
    });
    const done = await commandIn(core, command.id);
    assert.equal(done.status, 'succeeded', done.error ?? '');
    assert.equal(control.calls.install, 1);
    assert.ok(done.runningAt, 'the first progress line marked it running at the core');
    const data = done.result?.data as {
      packages: unknown[];
      changed: Array<{ name: string; toVersion: string }>;
      rebootRequired: boolean;
    };
    assert.deepEqual(data.packages, [{ name: 'alpha', from: '1.0', to: '1.1', outcome: 'upgraded' }]);
    assert.deepEqual(
      data.changed.map((c) => [c.name, c.toVersion]),
      [['alpha', '1.1']],
    );
    assert.equal(data.rebootRequired, false);
    assert.equal(done.result?.exitCode, 0);
    assert.match(
      String(done.result?.output),
      /^Unpacking alpha$/m,
      'the package manager output is in the tail',
    );
  });

  it('refuses an install whose fresh dry run differs from the confirmed transaction, installing nothing', async () => {
    const { files, control } = await online();
    const transaction = await dryRun(files, ['alpha']);
    control.newPackages = ['gamma']; // a new dependency appeared after the person confirmed
    const command = await issue(core, files.agentId, 'install', {
      plugin: 'testpm',
      packages: [{ name: 'alpha' }],
      expected: transaction,
    });
    const done = await commandIn(core, command.id);
    assert.equal(done.status, 'failed');
    assert.match(done.error ?? '', /transaction changed since it was confirmed.*\+ new package gamma/);
    assert.equal(control.calls.install, 0, 'the package manager was never asked to install');
  });

  it('cancel stops a running install; a cancel for a finished command fails', async () => {
    const { files, control } = await online();
    const transaction = await dryRun(files, ['beta']);
    control.holdInstalls(); // never released: only the cancel ends it
    const install = await issue(core, files.agentId, 'install', {
      plugin: 'testpm',
      packages: [{ name: 'beta' }],
      expected: transaction,
    });
    await pluginEvent(control, 'install-started');
    const cancel = await issue(core, files.agentId, 'cancel', { commandId: install.id });
    assert.equal((await commandIn(core, cancel.id)).status, 'succeeded');
    const stopped = await commandIn(core, install.id);
    assert.equal(stopped.status, 'cancelled');
    assert.match(stopped.error ?? '', new RegExp(`cancelled by command ${cancel.id}`));
    const late = await commandIn(
      core,
      (await issue(core, files.agentId, 'cancel', { commandId: install.id })).id,
    );
    assert.equal(late.status, 'failed');
    assert.match(late.error ?? '', /already finished/);
  });

  it('a cancel that arrives before its command withdraws it: the command is refused when it comes', async () => {
    const { files, agent, control } = await online();
    const lost = randomUUID();
    const cancel = await commandIn(
      core,
      (await issue(core, files.agentId, 'cancel', { commandId: lost })).id,
    );
    assert.equal(cancel.status, 'succeeded', cancel.error ?? '');
    assert.equal((cancel.result?.data as { state: string }).state, 'withdrawn');
    const late = signedCommand(core.core.keys.active(), {
      id: lost,
      agentId: files.agentId,
      type: 'scan',
      params: { plugin: 'testpm' },
    });
    await core.core.broker.publishToAgent(files.agentId, 'command', JSON.stringify(late));
    const [ack] = await nextEvent(agent.events, 'ack', (a) => a.commandId === lost);
    assert.equal(ack.accepted, false);
    assert.match(ack.detail ?? '', /withdrawn: cancelled by command/);
    assert.equal(control.calls.scan, 0);
  });

  it('applies a per-command time limit, and the plugin stays usable', async () => {
    const { files, control } = await online();
    const transaction = await dryRun(files, ['alpha']);
    control.holdInstalls();
    const install = await issue(core, files.agentId, 'install', {
      plugin: 'testpm',
      packages: [{ name: 'alpha' }],
      expected: transaction,
      timeoutSeconds: 1,
    });
    const done = await commandIn(core, install.id);
    assert.equal(done.status, 'failed');
    assert.match(done.error ?? '', /did not finish within 1 s/);
    const scan = await issue(core, files.agentId, 'scan', { plugin: 'testpm' });
    assert.equal((await commandIn(core, scan.id)).status, 'succeeded');
  });

  it('runs one install at a time per package manager; scans and dry runs wait for it', async () => {
    const { files, control } = await online();
    const order: string[] = [];
    for (const e of ['install-started', 'install-finished', 'scan-started'])
      control.events.on(e, () => order.push(e));
    const transaction = await dryRun(files, ['alpha']);
    const dryRunsBefore = control.calls.dryRun;
    const gate = control.holdInstalls();
    const install = await issue(core, files.agentId, 'install', {
      plugin: 'testpm',
      packages: [{ name: 'alpha' }],
      expected: transaction,
    });
    await pluginEvent(control, 'install-started');
    const scan = await issue(core, files.agentId, 'scan', { plugin: 'testpm' });
    const second = await issue(core, files.agentId, 'dry_run', {
      plugin: 'testpm',
      packages: [{ name: 'beta' }],
    });
    await commandIn(core, scan.id, ['acknowledged', 'running']);
    await commandIn(core, second.id, ['acknowledged', 'running']);
    // Both were taken and are waiting: the install's own dry run is the only one so far.
    assert.equal(control.calls.dryRun, dryRunsBefore + 1);
    gate.release();
    for (const c of [install, scan, second]) assert.equal((await commandIn(core, c.id)).status, 'succeeded');
    // The scan that waited, then the install's own rescan (issue 21 §3), queued behind it.
    await until('the rescan after the install', () => order.length >= 4);
    assert.deepEqual(order, ['install-started', 'install-finished', 'scan-started', 'scan-started']);
  });

  it('refuses a reboot with a clear result when reboots are not enabled here', async () => {
    const { files } = await online();
    const done = await commandIn(core, (await issue(core, files.agentId, 'reboot')).id);
    assert.equal(done.status, 'rejected');
    assert.match(
      done.error ?? '',
      /reboots are not enabled on this host: set "reboot": \{ "allowed": true \}/,
    );
    assert.deepEqual(done.result?.data, { rebooting: false });
  });

  it('reboots with the configured command where allowed (here a harmless echo)', async () => {
    const { files } = await online({ reboot: { allowed: true, command: ['/bin/echo', 'would reboot now'] } });
    const done = await commandIn(core, (await issue(core, files.agentId, 'reboot')).id);
    assert.equal(done.status, 'succeeded', done.error ?? '');
    assert.deepEqual(done.result?.data, { rebooting: true });
    assert.match(String(done.result?.output), /would reboot now/);
  });

  it('set_config persists schedules and reboot permission', async () => {
    const { files, agent } = await online();
    const done = await commandIn(
      core,
      (
        await issue(core, files.agentId, 'set_config', {
          schedules: { testpm: { enabled: true, intervalSeconds: 600 } },
          allowReboot: true,
        })
      ).id,
    );
    assert.equal(done.status, 'succeeded', done.error ?? '');
    assert.deepEqual(done.result?.data, { applied: ['allowReboot', 'schedules'] });
    assert.equal(JSON.parse(readFileSync(files.configPath, 'utf8')).reboot.allowed, true);
    const stored = JSON.parse(readFileSync(join(files.stateDir, 'core-settings.json'), 'utf8'));
    assert.deepEqual(stored.schedules.testpm, { enabled: true, intervalSeconds: 600 });
    assert.deepEqual(
      { ...agent.schedule().testpm, nextAt: null },
      { enabled: true, intervalSeconds: 600, nextAt: null },
    );
    // Reboots are allowed now.
    const reboot = await commandIn(
      core,
      (await issue(core, files.agentId, 'reboot', { timeoutSeconds: 5 })).id,
    );
    assert.notEqual(reboot.status, 'rejected');
  });

  it('set_config plugin settings restart the plugins with them; a config message may not set them', async () => {
    const { files, agent } = await online();
    const sourceAtCore = async () => {
      const scan = await commandIn(core, (await issue(core, files.agentId, 'scan', { plugin: 'testpm' })).id);
      assert.equal(scan.status, 'succeeded', scan.error ?? '');
      return (await core.core.db.packages.listForAgent(files.agentId, { plugin: 'testpm' }))[0]?.source;
    };
    assert.equal(await sourceAtCore(), 'test-suite');
    const signed = await commandIn(
      core,
      (await issue(core, files.agentId, 'set_config', { pluginSettings: { testpm: { source: 'mirror-2' } } }))
        .id,
    );
    assert.equal(signed.status, 'succeeded', signed.error ?? '');
    assert.equal(await sourceAtCore(), 'mirror-2');

    const unsigned = {
      v: 1,
      id: randomUUID(),
      ts: new Date().toISOString(),
      revision: 99,
      schedules: { testpm: { enabled: true, intervalSeconds: 7200 } },
      pluginSettings: { testpm: { source: 'from-an-unsigned-message' } },
    };
    await core.core.broker.publishToAgent(files.agentId, 'config', JSON.stringify(unsigned));
    await until('the config applied', () => agent.configRevision === 99);
    assert.equal(agent.schedule().testpm?.intervalSeconds, 7200, 'its schedules apply');
    assert.equal(await sourceAtCore(), 'mirror-2', 'its plugin settings do not');
    await until('the event at the core', async () =>
      (await core.core.db.systemEvents.list({ agentId: files.agentId, type: 'agent.config' })).find(
        (e) => e.subtype === 'plugin_settings_ignored' && e.severity === 'warning',
      ),
    );
  });

  it('trusts either server key during a rotation overlap, and no key it was not given', async () => {
    const { files, agent } = await online();
    const next = generateKeyPair();
    const nextKey = { keyId: keyFingerprint(next.publicKey), privateKey: next.privateKey };
    const current = core.core.keys.active();
    const stranger = generateKeyPair();
    const send = async (
      key: { keyId: string; privateKey: string },
      type: 'scan' | 'set_config',
      params: Record<string, unknown>,
    ) => {
      const message = signedCommand(key, { agentId: files.agentId, type, params });
      const result = nextEvent(agent.events, 'result', (r) => r.commandId === message.id);
      result.catch(() => {}); // a refused command has none
      await core.core.broker.publishToAgent(files.agentId, 'command', JSON.stringify(message));
      const [ack] = await nextEvent(agent.events, 'ack', (a) => a.commandId === message.id);
      return { ...ack, result };
    };
    const strangerKey = { keyId: keyFingerprint(stranger.publicKey), privateKey: stranger.privateKey };
    assert.equal((await send(strangerKey, 'scan', { plugin: 'testpm' })).reason, 'unknown_key');
    // The core adds its next key with a set_config signed by the current one.
    const add = await commandIn(
      core,
      (
        await issue(core, files.agentId, 'set_config', {
          serverKeys: { add: { [nextKey.keyId]: next.publicKey } },
        })
      ).id,
    );
    assert.equal(add.status, 'succeeded', add.error ?? '');
    assert.equal((await send(nextKey, 'scan', { plugin: 'testpm' })).accepted, true);
    assert.equal((await send(current, 'scan', { plugin: 'testpm' })).accepted, true);
    // The overlap ends: the old key is withdrawn by a command signed with the new one.
    const withdraw = await send(nextKey, 'set_config', { serverKeys: { remove: [current.keyId] } });
    assert.equal(withdraw.accepted, true);
    assert.equal((await withdraw.result)[0].status, 'succeeded');
    assert.equal(JSON.parse(readFileSync(files.configPath, 'utf8')).serverKeys[current.keyId], undefined);
    const refused = await send(current, 'scan', { plugin: 'testpm' });
    assert.deepEqual([refused.accepted, refused.reason], [false, 'unknown_key']);
  });
});

function pluginEvent(control: TestPmControl, name: string): Promise<unknown> {
  return new Promise((resolve) => control.events.once(name, resolve));
}
