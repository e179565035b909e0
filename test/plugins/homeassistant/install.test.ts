import assert from 'node:assert/strict';
import type { Transaction } from '../../../broker/protocol/index.js';
import type { TestCore } from '../../helpers/core.js';
import { envelope, publishUp, scanPackage } from '../../helpers/sim-agent.js';
import { addHost, type Host, startCoreWithHa } from './helpers/core-with-ha.js';
import { type HaObserver, observeAsHa } from './helpers/ha-observer.js';
import { type OwnMosquitto, requireMosquitto, startOwnMosquitto } from './helpers/mosquitto.js';

interface UpdateState {
  installed_version: string;
  latest_version: string;
  release_summary: string;
  in_progress: boolean;
  update_percentage: number | null;
}
type Discovery = { cmps: Record<string, Record<string, unknown>> };

const upgrade = (name: string) => ({ name, arch: 'amd64', fromVersion: '1.0', toVersion: '1.1' });
const tx = (t: Partial<Transaction>): Transaction => ({
  upgrades: [],
  newPackages: [],
  removals: [],
  warnings: [],
  ...t,
});

/** Issue 26 §1: install from HA's own update dialog, through the install workflow. */
describe('homeassistant plugin: installs from Home Assistant’s update dialog', function () {
  this.timeout(120_000);
  let broker: OwnMosquitto;
  let ha: HaObserver;
  let core: TestCore;

  before(async function () {
    requireMosquitto(this);
    broker = await startOwnMosquitto();
    ha = await observeAsHa(broker.url);
    core = await startCoreWithHa(broker.url, { allowInstall: true });
  });
  after(async () => {
    await core?.close();
    await ha?.close();
    await broker?.close();
  });
  afterEach(() => assert.deepEqual(ha.violations, []));

  async function hostWithUpdates(names: string[], dryRun: (params: Record<string, unknown>) => Transaction) {
    const host = await addHost(core, { dry_run: (params) => ({ data: { transaction: dryRun(params) } }) });
    await host.scan(
      'apt',
      names.map((n) => scanPackage(n, { currentVersion: '1.0', availableVersion: '1.1' })),
    );
    await ha.until(() => ha.last(ha.stateTopic(host.agentId, 'pending'))?.payload === String(names.length));
    return host;
  }
  const osState = (host: Host) => ha.json<UpdateState>(ha.stateTopic(host.agentId, 'os'));
  const installTopic = (host: Host) => {
    const os = ha.json<Discovery>(ha.discoveryTopic(host.agentId)).cmps.os!;
    assert.equal(os.payload_install, 'install');
    return String(os.command_topic);
  };

  it('approves the pending updates, runs the dry run then the install, with progress, once for a repeated payload', async () => {
    const host = await hostWithUpdates(['curl', 'libcurl4'], () =>
      tx({ upgrades: [upgrade('curl'), upgrade('libcurl4')] }),
    );
    const topic = installTopic(host);
    // HA's dialog pressed twice (or a retry of QoS 1): one install.
    await ha.send(topic, 'install');
    await ha.send(topic, 'install');
    const install = await host.agent.down.waitFor(
      (m) => m.type === 'command' && m.payload.type === 'install',
      30_000,
    );
    const commandId = String(install.payload.id);
    await ha.until(() => osState(host).in_progress, 'in progress');

    await host.progress(commandId, 1, 40);
    await ha.until(() => osState(host).update_percentage === 40, '40 %');
    assert.equal(osState(host).in_progress, true);

    const now = new Date().toISOString();
    await publishUp(host.agent.client, host.identity, 'result', {
      ...envelope(),
      commandId,
      status: 'succeeded',
      startedAt: now,
      finishedAt: now,
      data: { changed: [upgrade('curl'), upgrade('libcurl4')] },
    });
    await ha.until(() => ha.last(ha.stateTopic(host.agentId, 'pending'))?.payload === '0', 'nothing pending');
    await ha.until(() => !osState(host).in_progress, 'done');
    const state = osState(host);
    assert.equal(state.installed_version, state.latest_version, 'up to date');
    assert.equal(state.update_percentage, null);

    const types = host.agent.received.map((r) => r.type);
    assert.deepEqual(
      types.filter((t) => t !== 'scan'),
      ['dry_run', 'install'],
      'one dry run, one install',
    );
    const command = await core.db.commands.findById(commandId);
    assert.equal(command?.createdBy, 'plugin:homeassistant', 'recorded with its source');
    const events = await core.db.systemEvents.list({ agentId: host.agentId });
    const requested = events.filter((e) => e.subtype === 'ha_install_requested');
    assert.equal(requested.length, 1);
    assert.equal(requested[0]!.metadata.source, 'homeassistant');
    assert.ok(
      events.some((e) => e.subtype === 'ha_install_nothing'),
      'the second payload found nothing to approve',
    );
    host.agent.client.end(true);
  });

  it('stops being in progress and says so when the dry run needs a person’s confirmation', async () => {
    const host = await hostWithUpdates(['openssl'], () =>
      tx({
        upgrades: [upgrade('openssl')],
        newPackages: [{ name: 'libssl3t64', arch: 'amd64', toVersion: '3.0' }],
      }),
    );
    await ha.send(installTopic(host), 'install');
    await ha.until(() => osState(host).release_summary.startsWith('Waiting for confirmation'), 'waiting');
    const state = osState(host);
    assert.equal(state.in_progress, false);
    assert.match(state.release_summary, new RegExp(`\\(http://redflag.lan:8080/#/hosts/${host.agentId}\\)`));
    assert.notEqual(state.installed_version, state.latest_version);
    assert.ok(!host.agent.received.some((r) => r.type === 'install'), 'no install without the person');
    host.agent.client.end(true);
  });

  it('leaves held updates alone', async () => {
    const host = await hostWithUpdates(['nginx', 'vim'], (params) =>
      tx({ upgrades: (params.packages as Array<{ name: string }>).map((p) => upgrade(p.name)) }),
    );
    const admin = await import('../../core/api/api-client.js');
    const api = new admin.ApiClient(core.httpUrl).bearer((await admin.createTestToken(core, 'admin')).token);
    const hold = await api.post('/api/v1/policies', {
      kind: 'hold',
      name: 'keep nginx',
      match: { namePattern: 'nginx' },
    });
    assert.equal(hold.status, 201, JSON.stringify(hold.json));
    await ha.until(() => ha.last(ha.stateTopic(host.agentId, 'pending'))?.payload === '1', 'nginx held');
    await ha.send(installTopic(host), 'install');
    const dryRun = await host.agent.down.waitFor(
      (m) => m.type === 'command' && m.payload.type === 'dry_run',
      30_000,
    );
    const packages = (dryRun.payload.params as { packages: Array<{ name: string }> }).packages.map(
      (p) => p.name,
    );
    assert.deepEqual(packages, ['vim']);
    host.agent.client.end(true);
  });

  it('waits for the host’s maintenance window like any other approval', async () => {
    const host = await hostWithUpdates(['tzdata'], () => tx({ upgrades: [upgrade('tzdata')] }));
    const admin = await import('../../core/api/api-client.js');
    const api = new admin.ApiClient(core.httpUrl).bearer((await admin.createTestToken(core, 'admin')).token);
    assert.equal(
      (await api.put(`/api/v1/agents/${host.agentId}/labels`, { labels: ['ha-window'] })).status,
      200,
    );
    // A window that is closed now: two to three hours from now, every day.
    const hour = (new Date().getUTCHours() + 2) % 24;
    const hh = (h: number) => `${String(h % 24).padStart(2, '0')}:00`;
    const window = await api.post('/api/v1/maintenance-windows', {
      name: 'nights',
      weekdays: [0, 1, 2, 3, 4, 5, 6],
      startTime: hh(hour),
      endTime: hh(hour + 1),
      timezone: 'UTC',
      agentLabel: 'ha-window',
    });
    assert.equal(window.status, 201, JSON.stringify(window.json));
    await ha.send(installTopic(host), 'install');
    for (let i = 0; ; i++) {
      const events = await core.db.systemEvents.list({ agentId: host.agentId });
      if (events.some((e) => e.subtype === 'ha_install_requested')) break;
      if (i > 300) throw new Error('gave up waiting for the install request');
      await new Promise((r) => setTimeout(r, 100));
    }
    // The approval returned after the workflow decided: no dry run was issued, the update waits.
    const states = await core.db.packages.listForAgent(host.agentId);
    assert.equal(states.find((p) => p.name === 'tzdata')?.status, 'approved');
    const commands = await core.db.commands.listForAgent(host.agentId);
    assert.ok(!commands.some((c) => c.type === 'dry_run'), 'nothing runs outside the window');
    await ha.until(() =>
      osState(host).release_summary.startsWith('Approved, waiting for the maintenance window'),
    );
    assert.equal(osState(host).in_progress, false, 'no spinner until the window opens');
    host.agent.client.end(true);
  });

  it('ignores and records anything else on a command topic, retained installs included', async () => {
    const host = await hostWithUpdates(['bash'], () => tx({ upgrades: [upgrade('bash')] }));
    const topic = installTopic(host);
    await ha.send(topic, 'INSTALL please');
    await ha.send(topic, 'install', true);
    await ha.send(ha.commandTopic(host.agentId, 'nonsense'), 'install');
    const ignored = async () =>
      (await core.db.systemEvents.list({ agentId: host.agentId })).filter(
        (e) => e.subtype === 'ha_command_ignored',
      );
    for (let i = 0; (await ignored()).length < 3; i++) {
      if (i > 300) throw new Error('gave up waiting for three ignored commands');
      await new Promise((r) => setTimeout(r, 100));
    }
    const messages = (await ignored()).map((e) => e.message).join('\n');
    assert.match(messages, /expected install/);
    assert.match(messages, /retained command is never acted on/);
    assert.match(messages, /no such entity/);
    assert.ok(!host.agent.received.some((r) => r.type === 'dry_run'), 'nothing was approved');
    await ha.send(topic, '', true); // clear the retained message
    host.agent.client.end(true);
  });
});
