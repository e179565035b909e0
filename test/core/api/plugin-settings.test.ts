import assert from 'node:assert/strict';
import type { MqttClient } from 'mqtt';
import { type CommandMessage, verifyCommand } from '../../../broker/protocol/index.js';
import { startTestCore, type TestCore } from '../../helpers/core.js';
import {
  type AgentIdentity,
  connectAgent,
  envelope,
  helloMessage,
  listenDown,
  publishUp,
  registerSimAgent,
} from '../../helpers/sim-agent.js';
import { ApiClient, createTestToken } from './api-client.js';

/** Issue 9 "Settings → plugin settings": the fleet-wide settings of each plugin, sent signed to its hosts. */
describe('API plugin settings', () => {
  let core: TestCore;
  let api: ApiClient;
  let admin: ReturnType<ApiClient['bearer']>;
  let operator: ReturnType<ApiClient['bearer']>;
  let viewer: ReturnType<ApiClient['bearer']>;
  const clients: MqttClient[] = [];
  let aptOnline: { identity: AgentIdentity; down: Awaited<ReturnType<typeof listenDown>> };
  let aptOffline: AgentIdentity;

  /** An agent that says hello over MQTT with these plugins, then stays online or goes away. */
  async function agentWith(plugins: string[], stayOnline: boolean) {
    const { identity } = await registerSimAgent(core.httpUrl, await core.createToken(1));
    const client = await connectAgent(core.mqttUrl, identity!);
    const down = await listenDown(client, identity!);
    await publishUp(client, identity!, 'hello', {
      ...helloMessage(),
      capabilities: plugins.map((name) => ({ name, version: '1.0.0', kind: 'package-manager' })),
    });
    await waitFor(
      async () => ((await core.db.agents.findById(identity!.agentId))?.capabilities.length ?? 0) > 0,
    );
    if (stayOnline) clients.push(client);
    else {
      await client.endAsync();
      await waitFor(async () => !(await core.db.agents.findById(identity!.agentId))?.online);
    }
    return { identity: identity!, down };
  }

  /** Says hello, then waits until a message sent after it was handled (the agent's messages are handled in order). */
  async function helloAndSettle(client: MqttClient, identity: AgentIdentity, plugins: string[]) {
    await publishUp(client, identity, 'hello', {
      ...helloMessage(),
      capabilities: plugins.map((name) => ({ name, version: '1.0.0', kind: 'package-manager' })),
    });
    const marker = `after hello ${envelope().id}`;
    await publishUp(client, identity, 'event', {
      ...envelope(),
      type: 'test',
      severity: 'info',
      message: marker,
    });
    await waitFor(async () =>
      (await core.db.systemEvents.list({ type: 'test' })).some((e) => e.message === marker),
    );
  }

  before(async function () {
    this.timeout(180_000); // a core and agents on a loaded 2-core machine
    core = await startTestCore('PGlite');
    api = new ApiClient(core.httpUrl);
    admin = api.bearer((await createTestToken(core, 'admin')).token);
    operator = api.bearer((await createTestToken(core, 'operator')).token);
    viewer = api.bearer((await createTestToken(core, 'viewer')).token);
    aptOnline = await agentWith(['apt', 'docker'], true);
    aptOffline = (await agentWith(['apt'], false)).identity;
    await agentWith(['dnf'], true);
  });
  after(async () => {
    for (const c of clients) await c.endAsync();
    await core?.close();
  });

  it('lists every plugin the agents report, with how many hosts and no settings yet', async () => {
    const res = await admin.get('/api/v1/plugin-settings');
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.deepEqual(
      res.json.items.map((p: { plugin: string; hosts: number }) => [p.plugin, p.hosts]),
      [
        ['apt', 2],
        ['dnf', 1],
        ['docker', 1],
      ],
    );
    const apt = res.json.items[0];
    assert.deepEqual(apt.settings, {});
    assert.deepEqual(apt.kinds, ['package-manager']);
    assert.equal(apt.updatedAt, null);
  });

  it('stores new settings and sends them, signed, in a set_config to every host of that plugin', async () => {
    const settings = { updateBeforeScan: false, aptOptions: ['Acquire::http::Proxy=http://proxy:3142'] };
    const res = await admin.put('/api/v1/plugin-settings/apt', { settings });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.deepEqual(res.json.settings, settings);
    assert.equal(res.json.hosts, 2);
    assert.ok(res.json.updatedBy.startsWith('token:'));
    const targets = res.json.commands.map((c: { agentId: string }) => c.agentId).sort();
    assert.deepEqual(targets, [aptOnline.identity.agentId, aptOffline.agentId].sort());
    for (const c of res.json.commands) {
      assert.equal(c.type, 'set_config');
      assert.deepEqual(c.params, { pluginSettings: { apt: settings } });
    }
    // The online agent gets it at once, signed like every command; the offline one when it connects.
    const sent = await aptOnline.down.waitFor((m) => m.type === 'command' && m.payload.type === 'set_config');
    assert.deepEqual(sent.payload.params, { pluginSettings: { apt: settings } });
    const check = verifyCommand(sent.payload as unknown as CommandMessage, {
      agentId: aptOnline.identity.agentId,
      keys: aptOnline.identity.serverKeys,
    });
    assert.ok(check.ok, 'signed with the server key the agent trusts');
    const offline = res.json.commands.find((c: { agentId: string }) => c.agentId === aptOffline.agentId);
    assert.equal(offline.status, 'pending');

    const listed = await admin.get('/api/v1/plugin-settings');
    assert.deepEqual(
      listed.json.items.find((p: { plugin: string }) => p.plugin === 'apt').settings,
      settings,
    );
    // Recorded in the history with the keys that changed, not their values (viewers read the history).
    const events = await admin.get('/api/v1/events?type=settings');
    const event = events.json.items.find((e: { subtype: string }) => e.subtype === 'plugin_settings_changed');
    assert.match(event.message, /plugin apt .* sent to 2 hosts/);
    assert.deepEqual(event.metadata.keys, ['updateBeforeScan', 'aptOptions']);
    assert.doesNotMatch(JSON.stringify(event), /proxy:3142/);
  });

  it('keeps settings for a plugin no host reports (yet), sending nothing', async () => {
    const res = await admin.put('/api/v1/plugin-settings/flatpak', { settings: { system: true } });
    assert.equal(res.status, 200);
    assert.deepEqual(res.json.commands, []);
    assert.equal(res.json.hosts, 0);
    const listed = await admin.get('/api/v1/plugin-settings');
    assert.ok(listed.json.items.some((p: { plugin: string }) => p.plugin === 'flatpak'));
  });

  it('sends the stored settings to a host that reports the plugin later, once, signed', async () => {
    const setConfigs = async (agentId: string) =>
      (await admin.get(`/api/v1/commands?agent=${agentId}&type=set_config`)).json.items as Array<{
        params: Record<string, unknown>;
        source: string;
      }>;
    const late = await agentWith(['apt', 'flatpak', 'snap'], true);
    const sent = await late.down.waitFor((m) => m.type === 'command' && m.payload.type === 'set_config');
    const apt = (await admin.get('/api/v1/plugin-settings')).json.items.find(
      (p: { plugin: string }) => p.plugin === 'apt',
    ).settings;
    assert.deepEqual(sent.payload.params, { pluginSettings: { apt, flatpak: { system: true } } });
    assert.ok(
      verifyCommand(sent.payload as unknown as CommandMessage, {
        agentId: late.identity.agentId,
        keys: late.identity.serverKeys,
      }).ok,
    );
    const issued = await setConfigs(late.identity.agentId);
    assert.equal(issued.length, 1);
    assert.equal(issued[0]!.source, 'policy');

    // Its next hello (a reconnect) sends nothing again; a change sends the new settings once more.
    await helloAndSettle(clients.at(-1)!, late.identity, ['apt', 'flatpak', 'snap']);
    assert.equal((await setConfigs(late.identity.agentId)).length, 1, 'not sent twice');
    assert.equal(
      (await admin.put('/api/v1/plugin-settings/snap', { settings: { channel: 'stable' } })).status,
      200,
    );
    assert.equal((await setConfigs(late.identity.agentId)).length, 2);
    // A host that already had them pending (offline when they were saved) is not sent a copy.
    const offlineClient = await connectAgent(core.mqttUrl, aptOffline);
    clients.push(offlineClient);
    await listenDown(offlineClient, aptOffline);
    await helloAndSettle(offlineClient, aptOffline, ['apt']);
    assert.equal((await setConfigs(aptOffline.agentId)).length, 1);
  });

  it('refuses a bad plugin name or body, and keeps plugin settings out of the runtime settings', async () => {
    for (const [path, body] of [
      ['/api/v1/plugin-settings/Apt', { settings: {} }],
      ['/api/v1/plugin-settings/apt', { settings: 'fast' }],
      ['/api/v1/plugin-settings/apt', {}],
      ['/api/v1/plugin-settings/apt', { settings: {}, extra: 1 }],
    ] as const) {
      const res = await admin.put(path, body);
      assert.equal(res.status, 400, `${path} ${JSON.stringify(body)}`);
      assert.equal(res.json.error.code, 'validation_failed');
    }
    const runtime = await admin.get('/api/v1/settings');
    assert.doesNotMatch(JSON.stringify(runtime.json), /plugin-settings/);
  });

  it('is for admins only', async () => {
    assert.equal((await operator.get('/api/v1/plugin-settings')).status, 403);
    assert.equal((await viewer.get('/api/v1/plugin-settings')).status, 403);
    assert.equal((await operator.put('/api/v1/plugin-settings/apt', { settings: {} })).status, 403);
  });
});

async function waitFor(check: () => Promise<boolean>, limitMs = 15_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 50));
  }
}
