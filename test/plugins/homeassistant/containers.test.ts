import assert from 'node:assert/strict';
import type { ContainerInventoryItem } from '../../../broker/protocol/index.js';
import { containerItem, outdatedContainer } from '../../helpers/containers.js';
import type { TestCore } from '../../helpers/core.js';
import { addHost, type Host, startCoreWithHa } from './helpers/core-with-ha.js';
import { type HaObserver, observeAsHa } from './helpers/ha-observer.js';
import { type OwnMosquitto, requireMosquitto, startOwnMosquitto } from './helpers/mosquitto.js';

type Discovery = { cmps: Record<string, Record<string, unknown>> };
interface UpdateState {
  installed_version: string;
  latest_version: string;
  title: string;
  release_summary: string;
  in_progress: boolean;
}

const short = (digest: string | undefined) => digest!.slice(0, 'sha256:'.length + 12);

// The host's containers as the Docker plugin reports them (issue 24 §5): two of one outdated
// image, one up to date, one built locally (no registry to check it against).
const proxy = outdatedContainer('proxy', 'docker.io/library/nginx', '1.27');
const edge = { ...outdatedContainer('edge', 'docker.io/library/nginx', '1.27'), id: 'e'.repeat(64) };
const db = containerItem('db', 'docker.io/library/postgres', '16');
const built = containerItem('built', 'localhost/tools', 'latest', {
  checkStatus: 'not_checkable',
  checkReason: 'built locally',
  localDigests: [],
  remoteDigest: undefined,
});

/** Issue 26 §1: one update entity per Docker container with an update source, on its host's device. */
describe('homeassistant plugin: Docker containers as update entities', function () {
  this.timeout(120_000);
  let broker: OwnMosquitto;
  let ha: HaObserver;
  let core: TestCore;
  let host: Host;

  before(async function () {
    requireMosquitto(this);
    broker = await startOwnMosquitto();
    ha = await observeAsHa(broker.url);
    core = await startCoreWithHa(broker.url, { allowInstall: true });
    host = await addHost(core, {}, 'docker-01');
  });
  after(async () => {
    host?.agent.client.end(true);
    await core?.close();
    await ha?.close();
    await broker?.close();
  });
  afterEach(() => assert.deepEqual(ha.violations, []));

  const discovery = () => ha.json<Discovery>(ha.discoveryTopic(host.agentId));
  const containerComponents = () => Object.entries(discovery().cmps).filter(([key]) => key.startsWith('c_'));
  const component = (name: string) => containerComponents().find(([, c]) => c.name === name);
  const stateOf = (name: string) => ha.json<UpdateState>(String(component(name)![1].state_topic));
  const names = () =>
    containerComponents()
      .map(([, c]) => String(c.name))
      .sort();

  it('adds an entity per container with an update source, two for two containers of one image', async () => {
    await host.containers([proxy, edge, db, built]);
    await ha.until(() => names().length === 3, 'three container entities');
    assert.deepEqual(names(), ['db', 'edge', 'proxy'], 'none for the locally built container');
    for (const [, c] of containerComponents()) {
      assert.equal(c.p, 'update');
      assert.ok(!String(c.unique_id).includes(proxy.id.slice(0, 12)), 'never the container id');
      assert.ok(!String(c.unique_id).includes(edge.id.slice(0, 12)), 'never the container id');
    }
    await ha.until(() =>
      ['proxy', 'edge', 'db'].every((n) => !!ha.last(String(component(n)![1].state_topic))),
    );
    for (const name of ['proxy', 'edge']) {
      const state = stateOf(name);
      assert.equal(state.title, name);
      // The tag did not move: the digests tell the images apart (REFERENCES).
      assert.equal(state.installed_version, `1.27 (${short(proxy.localDigests[0])})`);
      assert.equal(state.latest_version, `1.27 (${short(proxy.remoteDigest)})`);
    }
    const upToDate = stateOf('db');
    assert.equal(upToDate.installed_version, `16 (${short(db.localDigests[0])})`);
    assert.equal(upToDate.latest_version, upToDate.installed_version, 'up to date: equal strings');
  });

  it('keeps the entity’s unique_id when the container is recreated with a new id on the new image', async () => {
    const before = component('proxy')![1].unique_id;
    const from = ha.seen.length;
    const recreated: ContainerInventoryItem = {
      ...proxy,
      id: 'f'.repeat(64),
      localDigests: [proxy.remoteDigest!],
      checkStatus: 'up_to_date',
    };
    await host.containers([recreated, edge, db, built]);
    await ha.until(
      () => stateOf('proxy').latest_version === stateOf('proxy').installed_version,
      'proxy up to date',
    );
    assert.equal(stateOf('proxy').installed_version, `1.27 (${short(proxy.remoteDigest)})`);
    assert.notEqual(stateOf('edge').latest_version, stateOf('edge').installed_version, 'edge still outdated');
    assert.equal(component('proxy')![1].unique_id, before);
    assert.equal(
      ha.on(ha.discoveryTopic(host.agentId), from).length,
      0,
      'no new discovery: the same entities',
    );
  });

  it('installing from either container of an image approves that image’s update once', async () => {
    const topic = String(component('edge')![1].command_topic);
    await ha.send(topic, 'install');
    const dryRun = await host.agent.down.waitFor(
      (m) => m.type === 'command' && m.payload.type === 'dry_run',
      30_000,
    );
    assert.ok(JSON.stringify(dryRun.payload).includes(proxy.reference), 'the image’s record');
    await ha.until(() => stateOf('edge').in_progress, 'in progress');
    assert.equal(stateOf('proxy').in_progress, false, 'proxy already runs the new image');
    assert.equal(stateOf('db').in_progress, false);
    const events = await core.db.systemEvents.list({ agentId: host.agentId });
    const requested = events.filter((e) => e.subtype === 'ha_install_requested');
    assert.equal(requested.length, 1);
    assert.deepEqual(requested[0]!.metadata.approved, [proxy.reference]);
  });

  it('removes the entity of a container the host no longer reports', async () => {
    const [dbKey, dbComponent] = component('db')!;
    const from = ha.seen.length;
    await host.containers([proxy, edge, built]);
    await ha.until(() => names().length === 2, 'two containers left');
    const messages = ha
      .on(ha.discoveryTopic(host.agentId), from)
      .map((m) => JSON.parse(m.payload) as Discovery);
    // HA removes one component of a device when it comes once with its platform alone.
    assert.deepEqual(messages[0]!.cmps[dbKey], { p: 'update' });
    assert.ok(!(dbKey in messages.at(-1)!.cmps));
    await ha.until(() => ha.last(String(dbComponent.state_topic))?.payload === '', 'its state cleared');
  });
});
