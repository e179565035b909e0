import assert from 'node:assert/strict';
import { scanPackage } from '../../helpers/sim-agent.js';
import type { TestCore } from '../../helpers/core.js';
import { ApiClient, createTestToken } from '../../core/api/api-client.js';
import { addHost, type Host, startCoreWithHa } from './helpers/core-with-ha.js';
import { type HaObserver, observeAsHa } from './helpers/ha-observer.js';
import { type OwnMosquitto, requireMosquitto, startOwnMosquitto } from './helpers/mosquitto.js';

interface UpdateState {
  installed_version: string;
  latest_version: string;
  title: string;
  release_summary: string;
  release_url?: string;
  in_progress: boolean;
  update_percentage: number | null;
}
type Discovery = {
  dev: { identifiers: string[]; name: string };
  o: { name: string };
  cmps: Record<string, Record<string, unknown>>;
};

/** Issue 26 §1: device-based discovery per host, its states in HA's semantics, kept current. */
describe('homeassistant plugin: every host a device in Home Assistant', function () {
  this.timeout(120_000);
  let broker: OwnMosquitto;
  let ha: HaObserver;
  let core: TestCore;
  let host: Host;

  before(async function () {
    requireMosquitto(this);
    broker = await startOwnMosquitto();
    ha = await observeAsHa(broker.url);
    core = await startCoreWithHa(broker.url);
    host = await addHost(core, {}, 'web-01');
  });
  after(async () => {
    host?.agent.client.end(true);
    await core?.close();
    await ha?.close();
    await broker?.close();
  });
  afterEach(() => assert.deepEqual(ha.violations, [], 'every payload passes the schemas written from HA'));

  const os = () => ha.json<UpdateState>(ha.stateTopic(host.agentId, 'os'));
  const stateOf = (entity: string) => ha.last(ha.stateTopic(host.agentId, entity))?.payload;

  it('announces the host as one device with its update, button, sensors and binary sensors, retained', async () => {
    const topic = ha.discoveryTopic(host.agentId);
    await ha.until(() => !!ha.last(topic));
    const message = ha.last(topic)!;
    assert.equal(await ha.retained(topic), message.payload, 'retained on the broker');
    const discovery = JSON.parse(message.payload) as Discovery;
    assert.deepEqual(discovery.dev.identifiers, [`redflag_${host.agentId}`]);
    assert.equal(discovery.dev.name, 'web-01');
    assert.equal(discovery.o.name, 'RedFlag');
    const kinds = Object.fromEntries(Object.entries(discovery.cmps).map(([k, c]) => [k, c.p]));
    assert.deepEqual(kinds, {
      os: 'update',
      scan: 'button',
      pending: 'sensor',
      security: 'sensor',
      online: 'binary_sensor',
      reboot: 'binary_sensor',
    });
    assert.equal(discovery.cmps.online!.device_class, 'connectivity');
    assert.equal(discovery.cmps.reboot!.device_class, 'problem');
    for (const component of Object.values(discovery.cmps))
      assert.match(String(component.unique_id), new RegExp(`^redflag_${host.agentId}_`));
    // Installs from HA are off unless the config allows them: no command topic, no Install button.
    assert.equal(discovery.cmps.os!.command_topic, undefined);
  });

  it('marks every entity as RedFlag’s in its attributes, for the card to find in hass.states', async () => {
    const discovery = JSON.parse(ha.last(ha.discoveryTopic(host.agentId))!.payload) as Discovery;
    for (const [key, component] of Object.entries(discovery.cmps)) {
      const topic = String(component.json_attributes_topic);
      await ha.until(() => !!ha.last(topic), `the attributes of ${key}`);
      assert.deepEqual(ha.json(topic), {
        redflag_host_id: host.agentId,
        redflag_hostname: 'web-01',
        redflag_entity: key,
      });
      assert.equal(await ha.retained(topic), ha.last(topic)!.payload, 'retained');
    }
  });

  it('shows equal versions when nothing is pending, and the host online', async () => {
    await host.scan('apt', []);
    await ha.until(
      () => stateOf('online') === 'ON' && stateOf('reboot') === 'OFF' && stateOf('pending') === '0',
    );
    const state = os();
    assert.equal(state.installed_version, state.latest_version);
    assert.equal(state.in_progress, false);
    assert.equal(state.release_url, `http://redflag.lan:8080/#/hosts/${host.agentId}`);
    assert.equal(stateOf('pending'), '0');
    assert.equal(stateOf('reboot'), 'OFF');
  });

  it('names the pending updates, security first, with counts in the sensors', async () => {
    await host.scan('apt', [
      scanPackage('zlib1g', { security: false, severity: 'low', availableVersion: '1.3' }),
      scanPackage('openssl', { security: true, severity: 'critical', availableVersion: '3.0.15' }),
      scanPackage('curl', { security: false, severity: 'medium', availableVersion: '7.88.1' }),
    ]);
    await ha.until(() => stateOf('pending') === '3' && stateOf('security') === '1');
    const state = os();
    assert.notEqual(state.installed_version, state.latest_version, 'HA shows an update');
    assert.match(
      state.release_summary,
      /^3 updates, 1 security: openssl 3\.0\.15, curl 7\.88\.1, zlib1g 1\.3$/,
    );
    assert.equal(stateOf('security'), '1');
    assert.match(state.title, /web-01/);
  });

  it('changes latest_version whenever the pending set changes, so HA’s Skip never hides a new update', async () => {
    const seen = new Set<string>([os().latest_version]);
    const scans = [
      [
        scanPackage('openssl', { availableVersion: '3.0.15' }),
        scanPackage('curl', { availableVersion: '7.88.1' }),
      ],
      [
        scanPackage('openssl', { availableVersion: '3.0.16' }),
        scanPackage('curl', { availableVersion: '7.88.1' }),
      ],
      [
        scanPackage('openssl', { availableVersion: '3.0.16' }),
        scanPackage('curl', { availableVersion: '7.88.1' }),
        scanPackage('bash'),
      ],
    ];
    for (const packages of scans) {
      const before = os().latest_version;
      await host.scan('apt', packages);
      await ha.until(() => os().latest_version !== before, 'a new latest_version');
      assert.ok(!seen.has(os().latest_version), `${os().latest_version} was shown before`);
      seen.add(os().latest_version);
    }
  });

  it('publishes one state per entity for a scan, and nothing for entities that did not change', async () => {
    const from = ha.seen.length;
    await host.scan('apt', [scanPackage('openssl', { availableVersion: '3.0.17' })]);
    await ha.until(() => ha.on(ha.stateTopic(host.agentId, 'pending'), from).length > 0);
    await ha.until(() => ha.on(ha.stateTopic(host.agentId, 'os'), from).length > 0);
    // A scan makes several bus events (scan.ingested, package.status…): still one publish each.
    assert.equal(ha.on(ha.stateTopic(host.agentId, 'os'), from).length, 1);
    assert.equal(ha.on(ha.stateTopic(host.agentId, 'pending'), from).length, 1);
    assert.equal(ha.on(ha.stateTopic(host.agentId, 'online'), from).length, 0);
    assert.equal(ha.on(ha.stateTopic(host.agentId, 'reboot'), from).length, 0);
  });

  it('keeps release_summary within HA’s 255 characters for a host with hundreds of updates', async () => {
    await host.scan(
      'apt',
      Array.from({ length: 300 }, (_, i) =>
        scanPackage(`libsomething-quite-long-${i}`, { availableVersion: `2.${i}.0-1+deb12u1` }),
      ),
    );
    await ha.until(() => stateOf('pending') === '300' && stateOf('security') === '300');
    const summary = os().release_summary;
    assert.ok(summary.length <= 255, `${summary.length} characters`);
    assert.match(summary, /^300 updates, 300 security: .* and \d+ more$/);
  });

  it('asks the host for a scan when the button is pressed, and ignores other payloads (recorded)', async () => {
    const discovery = JSON.parse(ha.last(ha.discoveryTopic(host.agentId))!.payload) as Discovery;
    const button = discovery.cmps.scan!;
    await ha.send(String(button.command_topic), 'not-a-press');
    await ha.send(String(button.command_topic), String(button.payload_press));
    await host.agent.down.waitFor((m) => m.type === 'command' && m.payload.type === 'scan', 30_000);
    const events = await core.db.systemEvents.list({ agentId: host.agentId });
    const ignored = events.find((e) => e.subtype === 'ha_command_ignored');
    assert.ok(ignored, 'the odd payload is recorded');
    assert.match(ignored.message, /expected PRESS/);
    assert.equal(ignored.agentId, host.agentId);
  });

  it('refuses and records an install while installs from Home Assistant are off', async () => {
    await ha.send(ha.commandTopic(host.agentId, 'os'), 'install');
    for (let i = 0; ; i++) {
      const events = await core.db.systemEvents.list({ agentId: host.agentId });
      const refused = events.find((e) => e.subtype === 'ha_install_refused');
      if (refused) {
        assert.match(refused.message, /allowInstall/);
        break;
      }
      if (i > 300) throw new Error('gave up waiting for the refusal');
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(!host.agent.received.some((r) => r.type === 'dry_run'), 'nothing approved');
  });

  it('re-sends discovery, then the states, after Home Assistant’s birth message', async () => {
    const from = ha.seen.length;
    await ha.send('homeassistant/status', 'online');
    await ha.until(() => ha.on(ha.discoveryTopic(host.agentId), from).length > 0);
    await ha.until(() => ha.on(ha.stateTopic(host.agentId, 'os'), from).length > 0);
    const order = ha.seen.slice(from).map((m) => m.topic);
    assert.ok(
      order.indexOf(ha.discoveryTopic(host.agentId)) < order.indexOf(ha.stateTopic(host.agentId, 'os')),
      'discovery before the states',
    );
  });

  it('deletes the discovery and the retained states of a host that is removed', async () => {
    const admin = new ApiClient(core.httpUrl).bearer((await createTestToken(core, 'admin')).token);
    const from = ha.seen.length;
    assert.equal((await admin.delete(`/api/v1/agents/${host.agentId}`)).status, 200);
    await ha.until(() => ha.on(ha.discoveryTopic(host.agentId), from).some((m) => m.payload === ''));
    await ha.until(() => ha.on(ha.stateTopic(host.agentId, 'os'), from).some((m) => m.payload === ''));
    assert.equal(await ha.retained(ha.discoveryTopic(host.agentId)), null, 'nothing left on the broker');
  });
});
