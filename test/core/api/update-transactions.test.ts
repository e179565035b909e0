import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { ScanPackage } from '../../../broker/protocol/index.js';
import { ingestScan } from '../../../core/updates/index.js';
import { startTestCore, type TestCore } from '../../helpers/core.js';
import { describeEachDatabase } from '../../helpers/databases.js';
import { envelope, registerSimAgent, scanPackage } from '../../helpers/sim-agent.js';
import { ApiClient, createTestToken } from './api-client.js';

type Caller = ReturnType<ApiClient['bearer']>;

const pkg = (plugin: string, name: string): ScanPackage => scanPackage(name, { plugin });

describeEachDatabase('API: confirming and rejecting a dry-run transaction', (target) => {
  let core: TestCore;
  let viewer: Caller;
  let operator: Caller;
  let admin: Caller;
  let agentId: string;

  before(async function () {
    this.timeout(120_000);
    core = await startTestCore(target.name);
    const api = new ApiClient(core.httpUrl);
    viewer = api.bearer((await createTestToken(core, 'viewer')).token);
    operator = api.bearer((await createTestToken(core, 'operator')).token);
    admin = api.bearer((await createTestToken(core, 'admin')).token);
    agentId = (await registerSimAgent(core.httpUrl, await core.createToken(), { hostname: 'web-3' }))
      .identity!.agentId;
  });
  after(() => core.close());

  const list = async () =>
    (await viewer.get(`/api/v1/updates?agent=${agentId}&sort=name&limit=100`)).json.items as Array<{
      id: string;
      plugin: string;
      name: string;
      status: string;
    }>;

  /**
   * Scans `names` for `plugin`, approves them and answers the dry run with a new dependency and
   * (unless told otherwise) a removal.
   */
  async function waitingTransaction(
    plugin: string,
    names: string[],
    removals = [{ name: `${plugin}-old-thing`, fromVersion: '0.9' }],
  ) {
    const now = new Date().toISOString();
    await ingestScan(core, agentId, {
      ...envelope(),
      batchId: randomUUID(),
      plugin,
      complete: true,
      startedAt: now,
      finishedAt: now,
      packages: names.map((n) => pkg(plugin, n)),
    });
    const ids = (await list()).filter((p) => p.plugin === plugin).map((p) => p.id);
    const approved = await operator.post('/api/v1/updates/approve', { ids });
    assert.equal(approved.json.approved.length, names.length, JSON.stringify(approved.json));
    const { dryRunCommandId } = (await viewer.get(`/api/v1/updates/${ids[0]}`)).json;
    await core.dispatcher.result(agentId, {
      ...envelope(),
      commandId: dryRunCommandId,
      status: 'succeeded',
      startedAt: now,
      finishedAt: now,
      data: {
        transaction: {
          upgrades: names.map((name) => ({ name, arch: 'amd64', fromVersion: '1.0', toVersion: '1.1' })),
          newPackages: [{ name: `${plugin}-new-dep`, toVersion: '2.0' }],
          removals,
          warnings: [],
        },
      },
    });
    const waiting = (await viewer.get(`/api/v1/updates/${ids[0]}`)).json;
    assert.equal(waiting.status, 'pending_dependencies');
    assert.deepEqual(waiting.transaction.removals, removals);
    return { ids, dryRunCommandId: waiting.dryRunCommandId as string };
  }

  const statusesOf = async (ids: string[]) => {
    const now = new Map((await list()).map((p) => [p.id, p.status]));
    return ids.map((id) => now.get(id));
  };
  const installCommands = async () =>
    ((await viewer.get(`/api/v1/commands?agent=${agentId}&type=install`)).json.items as unknown[]).length;

  it('confirms the reviewed transaction, removals included: the whole set installs carrying it', async () => {
    const { ids, dryRunCommandId } = await waitingTransaction('snap', ['core22', 'lxd']);
    const before = await installCommands();
    assert.equal(
      (await viewer.post('/api/v1/updates/confirm', { agentId, plugin: 'snap', dryRunCommandId })).status,
      403,
      'a viewer may not confirm',
    );
    const res = await operator.post('/api/v1/updates/confirm', { agentId, plugin: 'snap', dryRunCommandId });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.deepEqual(res.json, { confirmed: 2 });
    assert.deepEqual(await statusesOf(ids), ['installing', 'installing']);
    const detail = (await viewer.get(`/api/v1/updates/${ids[0]}`)).json;
    const install = (await viewer.get(`/api/v1/commands/${detail.installCommandId}`)).json;
    assert.deepEqual(install.params.expected.removals, [{ name: 'snap-old-thing', fromVersion: '0.9' }]);
    assert.equal(await installCommands(), before + 1);
    const again = await operator.post('/api/v1/updates/confirm', { agentId, plugin: 'snap' });
    assert.equal(again.status, 409);
    assert.equal(again.json.error.code, 'nothing_waiting');
  });

  it('refuses to confirm when a newer dry run replaced the one reviewed', async () => {
    const first = await waitingTransaction('pacman', ['linux']);
    await operator.post('/api/v1/updates/reject', { agentId, plugin: 'pacman' });
    const second = await waitingTransaction('pacman', ['linux'], [{ name: 'linux-lts', fromVersion: '6.1' }]);
    assert.notEqual(second.dryRunCommandId, first.dryRunCommandId);
    const stale = await operator.post('/api/v1/updates/confirm', {
      agentId,
      plugin: 'pacman',
      dryRunCommandId: first.dryRunCommandId,
    });
    assert.equal(stale.status, 409);
    assert.equal(stale.json.error.code, 'transaction_changed');
    assert.deepEqual(stale.json.error.details, {
      reviewed: first.dryRunCommandId,
      waiting: second.dryRunCommandId,
    });
    assert.deepEqual(await statusesOf(second.ids), ['pending_dependencies'], 'nothing installed');
    await operator.post('/api/v1/updates/reject', { agentId, plugin: 'pacman' });
  });

  it('never confirms a removal as part of a bulk install, but confirms one with new packages only', async () => {
    const removing = await waitingTransaction('dnf', ['kernel']);
    const adding = await waitingTransaction('winget', ['Git.Git'], []);
    const before = await installCommands();
    const res = await operator.post('/api/v1/updates/install', { ids: [...removing.ids, ...adding.ids] });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.deepEqual(
      res.json.installing.map((i: { id: string }) => i.id),
      adding.ids,
    );
    assert.deepEqual(
      res.json.refused.map((r: { id: string; why: string }) => [r.id, r.why]),
      [[removing.ids[0], 'the dnf transaction removes dnf-old-thing: review it and confirm it on its own']],
    );
    assert.deepEqual(await statusesOf(removing.ids), ['pending_dependencies']);
    assert.deepEqual(await statusesOf(adding.ids), ['installing']);
    assert.equal(await installCommands(), before + 1);
    // By filter too: the whole fleet's "install everything" leaves it waiting.
    const all = await operator.post('/api/v1/updates/install', { filter: { agent: [agentId] } });
    assert.equal(all.status, 200, JSON.stringify(all.json));
    assert.deepEqual(await statusesOf(removing.ids), ['pending_dependencies']);
    await operator.post('/api/v1/updates/reject', { agentId, plugin: 'dnf' });
  });

  it('puts the waiting packages of that host and package manager back to pending, and no other', async () => {
    const { ids: apt } = await waitingTransaction('apt', ['curl', 'libcurl4']);
    const { ids: flatpak } = await waitingTransaction('flatpak', ['org.gimp.GIMP']);

    const refused = await viewer.post('/api/v1/updates/reject', { agentId, plugin: 'apt' });
    assert.equal(refused.status, 403, 'a viewer may not reject');
    assert.equal((await list()).filter((p) => p.status === 'pending_dependencies').length, 3);

    const res = await operator.post('/api/v1/updates/reject', { agentId, plugin: 'apt' });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.deepEqual(res.json, { rejected: 2 });
    const after = new Map((await list()).map((p) => [p.id, p.status]));
    assert.deepEqual(
      apt.map((id) => after.get(id)),
      ['pending', 'pending'],
    );
    assert.deepEqual(
      flatpak.map((id) => after.get(id)),
      ['pending_dependencies'],
      'the flatpak transaction still waits',
    );
    const detail = (await viewer.get(`/api/v1/updates/${apt[0]}`)).json;
    assert.equal(detail.transaction, null, 'no transaction once rejected');
    const events = (await viewer.get(`/api/v1/events?agent=${agentId}&type=install`)).json.items as Array<{
      subtype: string;
      message: string;
    }>;
    const rejected = events.find((e) => e.subtype === 'transaction_rejected');
    assert.ok(rejected, 'the rejection is in the history');
    assert.match(rejected.message, /rejected the apt transaction/);
    // No install was issued for what was rejected.
    const commands = (await viewer.get(`/api/v1/commands?agent=${agentId}&type=install`)).json
      .items as Array<{
      params: { plugin: string };
    }>;
    assert.ok(!commands.some((c) => c.params.plugin === 'apt'));

    const again = await operator.post('/api/v1/updates/reject', { agentId, plugin: 'apt' });
    assert.equal(again.status, 409);
    assert.equal(again.json.error.code, 'nothing_waiting');

    // Admins may too; the rejected ones can be approved again.
    assert.deepEqual((await admin.post('/api/v1/updates/reject', { agentId, plugin: 'flatpak' })).json, {
      rejected: 1,
    });
    const reapproved = await operator.post('/api/v1/updates/approve', { ids: apt });
    assert.equal(reapproved.json.approved.length, 2);
  });

  it('refuses a body that is not one host and one package manager', async () => {
    for (const body of [
      {},
      { agentId },
      { plugin: 'apt' },
      { agentId: 'not-a-uuid', plugin: 'apt' },
      { agentId, plugin: '' },
      { agentId, plugin: 'apt', ids: ['1'] },
    ]) {
      for (const route of ['reject', 'confirm']) {
        const res = await operator.post(`/api/v1/updates/${route}`, body);
        assert.equal(res.status, 400, `${route} ${JSON.stringify(body)}`);
        assert.equal(res.json.error.code, 'validation_failed');
      }
    }
  });
});
