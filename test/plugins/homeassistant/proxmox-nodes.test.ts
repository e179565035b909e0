import assert from 'node:assert/strict';
import type { TestCore } from '../../helpers/core.js';
import { addHost, type Host, startCoreWithHa } from './helpers/core-with-ha.js';
import { type HaObserver, observeAsHa } from './helpers/ha-observer.js';
import { type OwnMosquitto, requireMosquitto, startOwnMosquitto } from './helpers/mosquitto.js';

type Discovery = {
  dev: { identifiers: string[]; name: string; via_device?: string; model?: string };
  cmps: Record<string, Record<string, unknown>>;
};

/**
 * Issue 26 §1: a guest's device points at its Proxmox node (`via_device`), from the
 * `metadata.proxmox` plugins/proxmox writes. Home Assistant links a device to a via_device only
 * when that device already exists (device_registry.async_get_or_create, home-assistant/core
 * 010c4d04b0c2376365e6d952b22a6143ddb866e5: otherwise it logs and drops the link), so the
 * parent must be on the broker first: the node's own agent's device, or a node device.
 */
describe('homeassistant plugin: guests under their Proxmox node (via_device)', function () {
  this.timeout(120_000);
  let broker: OwnMosquitto;
  let ha: HaObserver;
  let core: TestCore;
  let node: Host;
  let guestA: Host;
  let guestB: Host;

  /** What plugins/proxmox's sync.ts writes through ctx.agentMetadata. */
  const place = (host: Host, value: Record<string, unknown> | null) =>
    core.db.agents.setMetadataKey(host.agentId, 'proxmox', value);

  before(async function () {
    requireMosquitto(this);
    broker = await startOwnMosquitto();
    ha = await observeAsHa(broker.url);
    core = await startCoreWithHa(broker.url);
    node = await addHost(core, {}, 'pve1');
    guestA = await addHost(core, {}, 'web-01');
    guestB = await addHost(core, {}, 'db-01');
    await place(node, { endpoint: 'lab', cluster: 'homelab', node: 'pve1', kind: 'node', match: 'mac' });
    await place(guestA, {
      endpoint: 'lab',
      cluster: 'homelab',
      node: 'pve1',
      kind: 'lxc',
      vmid: 101,
      name: 'web-01',
      tags: [],
      match: 'mac',
    });
    // pve2 runs no RedFlag agent: the guest's parent is a device of its own.
    await place(guestB, {
      endpoint: 'lab',
      cluster: 'homelab',
      node: 'pve2',
      kind: 'qemu',
      vmid: 202,
      name: 'db-01',
      tags: [],
      match: 'mac',
    });
  });
  after(async () => {
    for (const host of [node, guestA, guestB]) host?.agent.client.end(true);
    await core?.close();
    await ha?.close();
    await broker?.close();
  });
  afterEach(() => assert.deepEqual(ha.violations, [], 'every payload passes the schemas written from HA'));

  const discoveryOf = (host: Host, from: number) =>
    JSON.parse(ha.on(ha.discoveryTopic(host.agentId), from).at(-1)!.payload) as Discovery;
  const nodeDevices = (from: number) =>
    ha.seen.slice(from).filter((m) => /^homeassistant\/device\/redflag_pve_[^/]+\/config$/.test(m.topic));

  it('points each guest at its node, the parents published before the guests', async () => {
    const from = ha.seen.length;
    await ha.send('homeassistant/status', 'online');
    const guests = [guestA, guestB].map((h) => ha.discoveryTopic(h.agentId));
    await ha.until(() => guests.every((t) => ha.on(t, from).length > 0), 'the guests’ discovery');

    // A guest on a node with its own agent: that agent's device.
    assert.equal(discoveryOf(guestA, from).dev.via_device, `redflag_${node.agentId}`);
    assert.equal(discoveryOf(node, from).dev.via_device, undefined, 'a node has no parent');

    // A guest on a node without an agent: a node device with one diagnostic entity.
    const [nodeMessage, ...more] = nodeDevices(from);
    assert.ok(nodeMessage, 'a device for pve2');
    assert.equal(more.length, 0, 'one node device, none for pve1 (its agent is the device)');
    const nodeDevice = JSON.parse(nodeMessage.payload) as Discovery;
    assert.equal(nodeDevice.dev.name, 'pve2');
    assert.equal(nodeDevice.dev.model, 'Proxmox VE node');
    assert.equal(discoveryOf(guestB, from).dev.via_device, nodeDevice.dev.identifiers[0]);
    const components = Object.values(nodeDevice.cmps);
    assert.equal(components.length, 1);
    assert.equal(components[0]!.entity_category, 'diagnostic');
    assert.equal(await ha.retained(nodeMessage.topic), nodeMessage.payload, 'retained');
    await ha.until(() => ha.last(String(components[0]!.state_topic))?.payload === 'homelab', 'its state');

    // Home Assistant drops a via_device it does not know yet: the parents come first.
    const order = ha.seen.slice(from).map((m) => m.topic);
    const at = (topic: string) => order.indexOf(topic);
    assert.ok(at(ha.discoveryTopic(node.agentId)) < at(ha.discoveryTopic(guestA.agentId)), 'pve1 first');
    assert.ok(at(nodeMessage.topic) < at(ha.discoveryTopic(guestB.agentId)), 'pve2 first');
  });

  it('re-announces a guest that moved, and deletes a node device no guest needs', async () => {
    const pve2 = nodeDevices(0).at(-1)!.topic;
    await place(guestB, null);
    await place(guestA, null);
    // The host's next change carries the new parent (the plugin reads the metadata with the host).
    const from = ha.seen.length;
    await guestB.scan('apt', []);
    await ha.until(() => ha.on(ha.discoveryTopic(guestB.agentId), from).length > 0, 'a new discovery');
    assert.equal(discoveryOf(guestB, from).dev.via_device, undefined);
    // A full publish (HA's birth) removes node devices no guest points at any more.
    await ha.send('homeassistant/status', 'online');
    await ha.until(() => ha.on(pve2, from).some((m) => m.payload === ''), 'pve2 deleted');
    assert.equal(await ha.retained(pve2), null, 'nothing left on the broker');
  });
});
