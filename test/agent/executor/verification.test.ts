import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { AgentHandle } from '../../../agent/daemon.js';
import type { AckMessage } from '../../../broker/protocol/index.js';
import { tempDir } from '../../helpers/cli.js';
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
import { signedCommand } from '../helpers/signing.js';
import { testPackageManager, type TestPmControl } from '../helpers/test-plugin.js';

describe('agent executor: what it refuses, and what it never runs twice', function () {
  this.timeout(60_000);
  let core: RestartableCore;
  let files: AgentFiles;
  let agent: AgentHandle;
  let control: TestPmControl;
  let dir: { path: string; remove(): void };

  async function start() {
    const plugin = testPackageManager();
    control = plugin.control;
    agent = await startTestAgent(files, [plugin.entry]);
    await nextEvent(agent.events, 'online');
    await settledAtCore(core, files.agentId);
  }

  before(async () => {
    core = await RestartableCore.start();
    dir = tempDir('rf-agent-verify-');
    files = await registerTestAgent(core.httpUrl, await core.createToken(), dir.path);
    await start();
  });
  after(async () => {
    await agent?.stop();
    await core.close();
    dir.remove();
  });

  /** A commands row the core knows (so the refusal is recorded there) but has not sent. */
  async function row(
    type: 'scan' | 'install' = 'scan',
    params: Record<string, unknown> = { plugin: 'testpm' },
  ) {
    const { command } = await core.core.db.commands.create({
      agentId: files.agentId,
      type,
      params,
      source: 'manual',
      expiresAt: new Date(Date.now() + 600_000),
    });
    return command;
  }

  async function deliver(message: object): Promise<AckMessage> {
    const { id } = message as { id?: unknown };
    const acked = nextEvent(agent.events, 'ack', (a) => a.commandId === id);
    await core.core.broker.publishToAgent(files.agentId, 'command', JSON.stringify(message));
    return (await acked)[0];
  }

  function nothingRan(id: string) {
    assert.deepEqual(control.calls, { scan: 0, dryRun: 0, install: 0 }, 'the package manager was called');
    assert.equal(agent.journal.has(id), false, 'a refused id took a place in the journal');
  }

  it('refuses a forged signature (bad_signature); the core records the refusal and a security event', async () => {
    const command = await row();
    const genuine = core.core.dispatcher.sign(command);
    const forged = { ...genuine, params: { plugin: 'testpm', sneaky: true } };
    const ack = await deliver(forged);
    assert.deepEqual([ack.accepted, ack.reason], [false, 'bad_signature']);
    const refused = await commandIn(core, command.id, ['rejected']);
    assert.match(refused.error ?? '', /^bad_signature: signature does not verify/);
    nothingRan(command.id);
    await until('the security event at the core', async () =>
      (await core.core.db.systemEvents.list({ agentId: files.agentId, type: 'security' })).find(
        (e) => e.subtype === 'command_rejected' && e.metadata.commandId === command.id,
      ),
    );
  });

  it('refuses a command for another agent (wrong_agent)', async () => {
    const other = randomUUID();
    const message = signedCommand(core.core.keys.active(), {
      agentId: other,
      type: 'scan',
      params: { plugin: 'testpm' },
    });
    const ack = await deliver(message);
    assert.deepEqual([ack.accepted, ack.reason], [false, 'wrong_agent']);
    nothingRan(message.id);
  });

  it('refuses an expired command (expired)', async () => {
    const command = await row();
    const message = signedCommand(core.core.keys.active(), {
      id: command.id,
      agentId: files.agentId,
      type: 'scan',
      params: { plugin: 'testpm' },
      issuedAt: new Date(Date.now() - 7_200_000),
      expiresAt: new Date(Date.now() - 3_600_000),
    });
    const ack = await deliver(message);
    assert.deepEqual([ack.accepted, ack.reason], [false, 'expired']);
    assert.match(
      (await commandIn(core, command.id, ['rejected'])).error ?? '',
      /^expired: expired 36\d\d s ago/,
    );
    nothingRan(command.id);
  });

  it('lists what it runs in its hello, so the core does not queue restart_container (issue 21 §7)', async () => {
    const row = await core.core.db.agents.findById(files.agentId);
    assert.deepEqual(row?.metadata.commandTypes, [
      'scan',
      'dry_run',
      'install',
      'reboot',
      'cancel',
      'set_config',
      'update_agent',
    ]);
    await assert.rejects(
      issue(core, files.agentId, 'restart_container', { container: 'x' }),
      (err: Error & { code?: string }) => err.code === 'command_type_unsupported',
    );
    assert.deepEqual(
      (await core.core.db.commands.listForAgent(files.agentId)).filter((c) => c.type === 'restart_container'),
      [],
    );
  });

  it('refuses command types it does not run (unknown_type): restart_container, signed and sent anyway', async () => {
    const message = signedCommand(core.core.keys.active(), {
      agentId: files.agentId,
      type: 'restart_container',
      params: { container: 'x' },
    });
    const ack = await deliver(message);
    assert.deepEqual([ack.accepted, ack.reason], [false, 'unknown_type']);
    assert.match(ack.detail ?? '', /^this agent does not run restart_container commands/);
    assert.deepEqual(control.calls, { scan: 0, dryRun: 0, install: 0 });
  });

  it('refuses a plugin it does not have (unknown_type) and params its handler refuses (invalid_params)', async () => {
    const missing = await commandIn(
      core,
      (await issue(core, files.agentId, 'scan', { plugin: 'zypper' })).id,
    );
    assert.match(missing.error ?? '', /^unknown_type: no zypper package manager on this host/);
    const bad = await commandIn(
      core,
      (await issue(core, files.agentId, 'install', { plugin: 'testpm', packages: [] })).id,
    );
    assert.match(bad.error ?? '', /^invalid_params: params/);
    assert.deepEqual(control.calls, { scan: 0, dryRun: 0, install: 0 });
  });

  it('refuses a message that breaks the command schema (malformed), without crashing', async () => {
    const id = randomUUID();
    const ack = await deliver({ v: 1, id, ts: new Date().toISOString(), type: 'scan', surprise: true });
    assert.deepEqual([ack.accepted, ack.reason], [false, 'malformed']);
    await deliver({ v: 1, id: randomUUID(), ts: 'not json at all' }).catch(() => {}); // answered or not, it must not hurt
    await core.core.broker.publishToAgent(files.agentId, 'command', '{ this is not JSON');
    const still = await commandIn(core, (await issue(core, files.agentId, 'scan', { plugin: 'testpm' })).id);
    assert.equal(still.status, 'succeeded', 'the agent still runs commands');
    control.calls.scan = 0;
  });

  it('never runs an id twice: a re-delivery gets its original answer, another command under a used id is refused (replayed), also after a restart', async () => {
    const command = await issue(core, files.agentId, 'scan', { plugin: 'testpm' });
    assert.equal((await commandIn(core, command.id)).status, 'succeeded');
    assert.equal(control.calls.scan, 1);
    const copy = core.core.dispatcher.sign((await core.core.db.commands.findById(command.id))!);
    const results = record(agent.events, 'result');

    const again = await deliver(copy);
    assert.deepEqual([again.accepted, again.reason], [true, undefined], 'the original answer');
    const reused = signedCommand(core.core.keys.active(), {
      id: command.id,
      agentId: files.agentId,
      type: 'install',
      params: {
        plugin: 'testpm',
        packages: [{ name: 'alpha' }],
        expected: { upgrades: [], newPackages: [], removals: [] },
      },
    });
    const refused = await deliver(reused);
    assert.deepEqual([refused.accepted, refused.reason], [false, 'replayed']);

    await agent.stop();
    await start(); // a new process would read the same journal from disk
    const afterRestart = await deliver(copy);
    assert.deepEqual([afterRestart.accepted, afterRestart.reason], [true, undefined]);
    assert.deepEqual([(await deliver(reused)).reason], ['replayed']);
    assert.deepEqual(control.calls, { scan: 0, dryRun: 0, install: 0 }, 'nothing ran after the restart');
    assert.equal(results.length, 0, 'no second result');
  });

  it('runs a command once when the broker delivers it twice (a reconnect during execution)', async () => {
    const dry = await commandIn(
      core,
      (await issue(core, files.agentId, 'dry_run', { plugin: 'testpm', packages: [{ name: 'alpha' }] })).id,
    );
    const expected = (dry.result?.data as { transaction: unknown }).transaction;
    const gate = control.holdInstalls();
    const started = new Promise((resolve) => control.events.once('install-started', resolve));
    const install = await issue(core, files.agentId, 'install', {
      plugin: 'testpm',
      packages: [{ name: 'alpha' }],
      expected,
    });
    await started;
    const copy = core.core.dispatcher.sign((await core.core.db.commands.findById(install.id))!);
    assert.equal((await deliver(copy)).accepted, true, 'a copy while it runs: the original answer');

    const offline = nextEvent(agent.events, 'offline');
    const back = offline.then(() => nextEvent(agent.events, 'online'));
    core.core.broker.disconnect(files.agentId);
    await back;
    assert.equal((await deliver(copy)).accepted, true, 'a copy after the reconnect: the original answer');
    const results = record(agent.events, 'result');
    gate.release();
    assert.equal((await commandIn(core, install.id)).status, 'succeeded');
    assert.equal(control.calls.install, 1, 'installed once');
    await until('the result', () => results.length > 0);
    assert.deepEqual(
      results.map(([r]) => r.commandId),
      [install.id],
    );
  });
});
