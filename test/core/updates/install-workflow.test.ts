import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { MqttClient } from 'mqtt';
import type { ScanPackage } from '../../../broker/protocol/index.js';
import type { PackageStatus } from '../../../core/db/index.js';
import {
  checkTransition,
  IllegalTransitionError,
  isAllowed,
  PACKAGE_STATUS_ORDER,
  renderPackageStatesDoc,
  type Transaction,
} from '../../../core/updates/index.js';
import { answeringAgent, type Responder } from '../../helpers/answering-agent.js';
import { startTestCore, type TestCore } from '../../helpers/core.js';
import { type CommandRefusals, envelope, registerSimAgent, scanPackage } from '../../helpers/sim-agent.js';
import { ApiClient, createTestToken } from '../api/api-client.js';
import { until } from '../../helpers/until.js';

const STATES: readonly PackageStatus[] = PACKAGE_STATUS_ORDER;

describe('package state machine', () => {
  it('allows every move in the table and refuses every other, naming both states and why', () => {
    let refused = 0;
    for (const from of STATES)
      for (const to of STATES) {
        if (isAllowed(from, to)) assert.doesNotThrow(() => checkTransition(from, to), `${from} → ${to}`);
        else {
          refused++;
          assert.throws(
            () => checkTransition(from, to),
            (err) =>
              err instanceof IllegalTransitionError &&
              err.message.startsWith(`cannot move a package from ${from} to ${to}: `) &&
              err.why.length > 10,
          );
        }
      }
    assert.ok(refused > 50);
  });

  it('says why a held package cannot be approved', () => {
    assert.throws(() => checkTransition('held', 'approved'), /held packages are never installed or approved/);
  });

  it('is documented in docs/package-states.md (run `npm run docs` when this fails)', () => {
    assert.equal(
      readFileSync(new URL('../../../docs/package-states.md', import.meta.url), 'utf8'),
      renderPackageStatesDoc(),
    );
  });
});

const pkg = (name: string, from = '1.0', to = '1.1'): ScanPackage =>
  scanPackage(name, { currentVersion: from, availableVersion: to });

const upgrade = (name: string) => ({ name, arch: 'amd64', fromVersion: '1.0', toVersion: '1.1' });
const tx = (t: Partial<Transaction>): Transaction => ({
  upgrades: [],
  newPackages: [],
  removals: [],
  warnings: [],
  ...t,
});

describe('the safe install workflow, against a test agent speaking the real protocol', function () {
  this.timeout(30000);
  let core: TestCore;
  const clients: MqttClient[] = [];

  before(async () => {
    core = await startTestCore('PGlite');
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.end(true);
  });
  after(() => core.close());

  async function hostWith(
    names: string[],
    answers: { dry_run: Responder; install: Responder },
    opts: { refuse?: CommandRefusals } = {},
  ) {
    const identity = (await registerSimAgent(core.httpUrl, await core.createToken(1))).identity!;
    const agent = await answeringAgent(core, identity, answers, opts);
    clients.push(agent.client);
    const now = new Date().toISOString();
    const { ingestScan } = await import('../../../core/updates/index.js');
    await ingestScan(core, identity.agentId, {
      ...envelope(),
      batchId: randomUUID(),
      plugin: 'apt',
      complete: true,
      startedAt: now,
      finishedAt: now,
      packages: names.map((n) => pkg(n)),
    });
    const refs = names.map((name) => ({ agentId: identity.agentId, plugin: 'apt', name, arch: 'amd64' }));
    const status = async (name: string) =>
      (await core.db.packages.listForAgent(identity.agentId, { includeClosed: true })).find(
        (p) => p.name === name,
      )?.status;
    return { identity, agent, refs, status };
  }

  it('installs without stopping when the dry run holds nothing beyond the approval', async () => {
    const host = await hostWith(['curl', 'libcurl4'], {
      dry_run: () => ({ data: { transaction: tx({ upgrades: [upgrade('curl'), upgrade('libcurl4')] }) } }),
      install: (params) => ({
        data: { changed: (params.packages as Array<{ name: string }>).map((p) => upgrade(p.name)) },
      }),
    });
    const { approved, refused } = await core.workflow.approve(host.refs, 'admin');
    assert.equal(approved.length, 2);
    assert.deepEqual(refused, []);
    await until(
      'updated',
      async () => (await host.status('curl')) === 'updated' && (await host.status('libcurl4')) === 'updated',
    );
    const types = host.agent.received.map((r) => r.type);
    assert.deepEqual(types, ['dry_run', 'install']);
    const install = host.agent.received[1]!.params;
    assert.deepEqual(
      (install.expected as Transaction).upgrades.map((u) => u.name),
      ['curl', 'libcurl4'],
    );
    const history = await core.db.packages.historyFor(host.identity.agentId);
    assert.deepEqual(
      history.map((h) => [h.name, h.result, h.to_version]),
      [
        ['curl', 'succeeded', '1.1'],
        ['libcurl4', 'succeeded', '1.1'],
      ],
    );
    const events = await core.db.packages.eventsForAgent(host.identity.agentId);
    assert.equal(events.filter((e) => e.kind === 'installed').length, 2);
  });

  it('waits for a person when the dry run brings new dependencies, and installs once confirmed', async () => {
    const host = await hostWith(['rf-test-a'], {
      dry_run: () => ({
        data: {
          transaction: tx({
            upgrades: [upgrade('rf-test-a')],
            newPackages: [{ name: 'rf-test-b', arch: 'amd64', toVersion: '1.0' }],
          }),
        },
      }),
      install: () => ({ data: { changed: [upgrade('rf-test-a'), { name: 'rf-test-b', toVersion: '1.0' }] } }),
    });
    await core.workflow.approve(host.refs, 'admin');
    await until(
      'pending_dependencies',
      async () => (await host.status('rf-test-a')) === 'pending_dependencies',
    );
    const [state] = await core.db.packages.listForAgent(host.identity.agentId);
    assert.deepEqual(
      ((state!.dependencies!.extras as { newPackages: Array<{ name: string }> }).newPackages ?? []).map(
        (p) => p.name,
      ),
      ['rf-test-b'],
    );
    assert.deepEqual(
      host.agent.received.map((r) => r.type),
      ['dry_run'],
      'installed without confirmation',
    );
    assert.equal(await core.workflow.confirm(host.identity.agentId, 'apt', 'admin'), 1);
    await until('updated', async () => (await host.status('rf-test-a')) === 'updated');
  });

  it('always asks before a transaction that removes something, and puts the packages back when rejected', async () => {
    const host = await hostWith(['systemd'], {
      dry_run: () => ({
        data: {
          transaction: tx({
            upgrades: [upgrade('systemd')],
            removals: [{ name: 'sysvinit-core', fromVersion: '3.06' }],
          }),
        },
      }),
      install: () => ({ status: 'failed', error: 'should not have been asked to install' }),
    });
    await core.workflow.approve(host.refs, 'admin');
    await until(
      'pending_dependencies',
      async () => (await host.status('systemd')) === 'pending_dependencies',
    );
    assert.equal(await core.workflow.reject(host.identity.agentId, 'apt', 'admin'), 1);
    assert.equal(await host.status('systemd'), 'pending');
    assert.ok(!host.agent.received.some((r) => r.type === 'install'));
  });

  it("marks the packages failed with the agent's reason when the transaction changed before the install", async () => {
    const host = await hostWith(['openssl'], {
      dry_run: () => ({ data: { transaction: tx({ upgrades: [upgrade('openssl')] }) } }),
      install: () => ({
        status: 'failed',
        error: 'transaction changed since the dry run: + new package libssl3t64',
      }),
    });
    await core.workflow.approve(host.refs, 'admin');
    await until('failed', async () => (await host.status('openssl')) === 'failed');
    const [history] = await core.db.packages.historyFor(host.identity.agentId);
    assert.equal(history?.message, 'transaction changed since the dry run: + new package libssl3t64');
    const events = await core.db.systemEvents.list({ agentId: host.identity.agentId, type: 'install' });
    assert.ok(events.some((e) => e.subtype === 'install_failed'));
  });

  it('marks only the packages that failed as failed, with the package manager message', async () => {
    const host = await hostWith(['vim', 'nano'], {
      dry_run: () => ({ data: { transaction: tx({ upgrades: [upgrade('vim'), upgrade('nano')] }) } }),
      install: () => ({
        status: 'failed',
        error: 'one package failed',
        data: {
          changed: [upgrade('vim')],
          failed: [{ name: 'nano', arch: 'amd64', message: 'dpkg: error processing package nano' }],
        },
      }),
    });
    await core.workflow.approve(host.refs, 'admin');
    await until(
      'outcomes',
      async () => (await host.status('vim')) === 'updated' && (await host.status('nano')) === 'failed',
    );
    const history = await core.db.packages.historyFor(host.identity.agentId);
    assert.equal(history.find((h) => h.name === 'nano')?.message, 'dpkg: error processing package nano');
  });

  /** The install event the workflow recorded for a command, once there is one. */
  const installEventOf = (agentId: string, commandId: string) =>
    until(`the install event of ${commandId}`, async () =>
      (await core.db.systemEvents.list({ agentId, type: 'install' })).find(
        (e) => e.metadata.commandId === commandId,
      ),
    );

  // The agent refuses an install of nothing, as the real one does (its params schema wants a package).
  const refusesEmptyInstall: CommandRefusals = {
    install: { reason: 'invalid_params', detail: 'params: /packages must NOT have fewer than 1 items' },
  };

  it('a dry run asked for on its own reports its transaction and stops: no install, no confirmation (issue 21 §4)', async () => {
    // curl has an update; zsh is current, so its dry run's transaction is empty.
    const host = await hostWith(
      ['curl'],
      {
        dry_run: (params) => ({
          data: {
            transaction: tx({
              upgrades: (params.packages as Array<{ name: string }>)
                .filter((p) => p.name === 'curl')
                .map((p) => upgrade(p.name)),
            }),
          },
        }),
        install: () => ({}),
      },
      { refuse: refusesEmptyInstall },
    );
    const operator = new ApiClient(core.httpUrl).bearer((await createTestToken(core, 'operator')).token);
    const transactions: Transaction[] = [];
    for (const name of ['curl', 'zsh']) {
      const issued = await operator.post('/api/v1/commands', {
        agentId: host.identity.agentId,
        type: 'dry_run',
        params: { plugin: 'apt', packages: [{ name }] },
      });
      assert.equal(issued.status, 201, JSON.stringify(issued.json));
      await host.agent.handled(issued.json.id);
      const done = await core.db.commands.findById(issued.json.id);
      assert.equal(done?.status, 'succeeded');
      transactions.push((done!.result!.data as { transaction: Transaction }).transaction);
    }
    assert.deepEqual(
      transactions.map((t) => t.upgrades.map((u) => u.name)),
      [['curl'], []],
    );
    const commands = await core.db.commands.listForAgent(host.identity.agentId);
    assert.deepEqual(
      commands.map((c) => c.type),
      ['dry_run', 'dry_run'],
      'an install followed a dry run nobody approved',
    );
    assert.equal(await host.status('curl'), 'pending');
    const workflowEvents = await core.db.systemEvents.list({
      agentId: host.identity.agentId,
      type: 'install',
    });
    assert.deepEqual(
      workflowEvents.map((e) => `${e.subtype}: ${e.message}`),
      [],
    );
  });

  it('records a refused install as failed, never as install_succeeded (issue 21 §4)', async () => {
    const host = await hostWith(
      ['curl'],
      {
        dry_run: () => ({ data: { transaction: tx({ upgrades: [upgrade('curl')] }) } }),
        install: () => ({}),
      },
      { refuse: { install: { reason: 'invalid_params', detail: 'params: /expected must be object' } } },
    );
    // Through the workflow: its package fails with the agent's reason.
    await core.workflow.approve(host.refs, 'admin');
    await until('failed', async () => (await host.status('curl')) === 'failed');
    const [history] = await core.db.packages.historyFor(host.identity.agentId);
    assert.deepEqual(
      [history?.name, history?.result, history?.message],
      ['curl', 'failed', 'invalid_params: params: /expected must be object'],
    );
    const viaWorkflow = await installEventOf(host.identity.agentId, history!.command_id as string);
    assert.equal(viaWorkflow.subtype, 'install_failed');
    // Issued on its own (the admin socket may), for no package the workflow tracks.
    const { command } = await core.dispatcher.issue({
      agentId: host.identity.agentId,
      type: 'install',
      params: { plugin: 'apt', packages: [] },
    });
    const direct = await installEventOf(host.identity.agentId, command.id);
    assert.equal(
      `${direct.subtype}: ${direct.message}`,
      `install_failed: apt install rejected: 0 updated, 0 failed (invalid_params: params: /expected must be object)`,
    );
  });

  it('records a failed install as failed, even when every package changed (issue 21 §4)', async () => {
    const host = await hostWith(['curl'], {
      dry_run: () => ({ data: { transaction: tx({ upgrades: [upgrade('curl')] }) } }),
      install: (params) => ({
        status: 'failed',
        error: 'dpkg: post-installation script of man-db failed',
        data: {
          changed: (params.packages as Array<{ name: string }>).map((p) => upgrade(p.name)),
        },
      }),
    });
    await core.workflow.approve(host.refs, 'admin');
    // curl itself was upgraded; the install as a whole failed and says so.
    await until('updated', async () => (await host.status('curl')) === 'updated');
    const install = (await core.db.commands.listForAgent(host.identity.agentId)).find(
      (c) => c.type === 'install',
    )!;
    const event = await installEventOf(host.identity.agentId, install.id);
    assert.equal(
      `${event.subtype}: ${event.message}`,
      'install_failed: apt install failed: 1 updated, 0 failed (dpkg: post-installation script of man-db failed)',
    );
    assert.equal(event.severity, 'warning');
  });

  it('refuses to approve a held package, saying why', async () => {
    const identity = (await registerSimAgent(core.httpUrl, await core.createToken(1))).identity!;
    const { ingestScan } = await import('../../../core/updates/index.js');
    const now = new Date().toISOString();
    await ingestScan(core, identity.agentId, {
      ...envelope(),
      batchId: randomUUID(),
      plugin: 'apt',
      complete: true,
      startedAt: now,
      finishedAt: now,
      packages: [pkg('linux-image-amd64')],
      holds: ['linux-image-amd64'],
    });
    const { approved, refused } = await core.workflow.approve(
      [{ agentId: identity.agentId, plugin: 'apt', name: 'linux-image-amd64', arch: 'amd64' }],
      'admin',
    );
    assert.equal(approved.length, 0);
    assert.equal(refused[0]?.from, 'held');
    assert.match(
      refused[0]!.why,
      /^cannot move a package from held to approved: held packages are never installed/,
    );
  });

  it('refuses to approve again a package its dry run is checking, leaving it in that run (issue 22 §2)', async () => {
    const host = await hostWith(['zsh'], {
      dry_run: () => ({ data: {} }),
      install: () => ({}),
    });
    // This agent answers nothing, so the dry run stays open while the package is approved again.
    host.agent.client.end(true);
    await core.workflow.approve(host.refs, 'admin');
    await until('checking', async () => (await host.status('zsh')) === 'checking_dependencies');
    const { approved, refused } = await core.workflow.approve(host.refs, 'admin');
    assert.equal(approved.length, 0);
    assert.equal(refused[0]?.from, 'checking_dependencies');
    assert.match(refused[0]!.why, /^cannot move a package from checking_dependencies to approved: /);
    assert.equal(await host.status('zsh'), 'checking_dependencies');
    assert.equal((await core.db.commands.listForAgent(host.identity.agentId)).length, 1);
  });

  it('checks again when a dry run times out', async () => {
    const host = await hostWith(['bash'], {
      dry_run: () => ({ data: {} }),
      install: () => ({}),
    });
    // This agent answers nothing: stop it answering by closing it before approving.
    host.agent.client.end(true);
    await core.workflow.approve(host.refs, 'admin');
    await until('checking', async () => (await host.status('bash')) === 'checking_dependencies');
    const [command] = await core.db.commands.listForAgent(host.identity.agentId, { active: true });
    await core.db.commands.markAcknowledged(
      command!.id,
      host.identity.agentId,
      new Date(Date.now() - 3600_000),
    );
    await core.dispatcher.expireOverdue();
    // Back to approved, and a fresh dry run was issued for it.
    await until('re-checking', async () => (await host.status('bash')) === 'checking_dependencies');
    const commands = await core.db.commands.listForAgent(host.identity.agentId);
    assert.deepEqual(
      commands.map((c) => c.type),
      ['dry_run', 'dry_run'],
    );
    assert.equal(commands[0]!.status, 'timed_out');
    assert.ok(['pending', 'sent'].includes(commands[1]!.status), commands[1]!.status);
  });
});
