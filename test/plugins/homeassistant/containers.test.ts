import assert from 'node:assert/strict';
import type { ScanPackage } from '../../../broker/protocol/index.js';
import type { TestCore } from '../../helpers/core.js';
import { scanPackage } from '../../helpers/sim-agent.js';
import { addHost, type Host, startCoreWithHa } from './helpers/core-with-ha.js';
import { type HaObserver, observeAsHa } from './helpers/ha-observer.js';
import { type OwnMosquitto, requireMosquitto, startOwnMosquitto } from './helpers/mosquitto.js';

type Discovery = { cmps: Record<string, Record<string, unknown>> };
interface UpdateState {
  installed_version: string;
  latest_version: string;
  title: string;
}

const digest = (c: string) => `sha256:${c.repeat(64)}`;

/** A Docker record as DESIGN.md §4 describes it: image, tag, container ids, digests. */
function container(name: string, fields: Partial<ScanPackage> = {}): ScanPackage {
  return scanPackage(name, {
    plugin: 'docker',
    arch: undefined,
    currentVersion: '1.27',
    availableVersion: '1.27',
    source: 'docker.io',
    security: false,
    severity: 'unknown',
    image: 'nginx',
    tag: '1.27',
    containerIds: ['3f4e1c2a9b8d'],
    localDigests: [digest('1')],
    remoteDigest: digest('2'),
    ...fields,
  });
}

/** Issue 26 §1: one update entity per Docker container, on its host's device. */
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
    core = await startCoreWithHa(broker.url);
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

  it('adds an update entity per container to the host’s device, the digest telling same-tag images apart', async () => {
    await host.scan('docker', [
      container('proxy'),
      container('db', { image: 'postgres', tag: '16', currentVersion: '16', availableVersion: '16' }),
    ]);
    await ha.until(() => containerComponents().length === 2, 'two container entities');
    const [proxyKey, proxy] = containerComponents().find(([, c]) => c.name === 'proxy')!;
    assert.equal(proxy.p, 'update');
    assert.ok(!String(proxy.unique_id).includes('3f4e1c2a9b8d'), 'never the container id');
    const stateTopic = String(proxy.state_topic);
    await ha.until(() => !!ha.last(stateTopic));
    const state = ha.json<UpdateState>(stateTopic);
    assert.equal(state.installed_version, '1.27 (sha256:111111111111)');
    assert.equal(state.latest_version, '1.27 (sha256:222222222222)');
    assert.equal(state.title, 'proxy');
    void proxyKey;
  });

  it('keeps the entity’s unique_id when the container is recreated with a new id', async () => {
    const before = containerComponents().find(([, c]) => c.name === 'proxy')![1].unique_id;
    const from = ha.seen.length;
    await host.scan('docker', [
      container('proxy', { containerIds: ['99aa88bb77cc'], localDigests: [digest('2')] }),
      container('db', { image: 'postgres', tag: '16', currentVersion: '16', availableVersion: '16' }),
    ]);
    const topic = String(containerComponents().find(([, c]) => c.name === 'proxy')![1].state_topic);
    await ha.until(() => ha.on(topic, from).length > 0, 'the new state');
    assert.equal(containerComponents().find(([, c]) => c.name === 'proxy')![1].unique_id, before);
    assert.equal(
      ha.on(ha.discoveryTopic(host.agentId), from).length,
      0,
      'no new discovery: the same entities',
    );
  });

  it('removes the entity of a container the host no longer reports', async () => {
    const [dbKey, db] = containerComponents().find(([, c]) => c.name === 'db')!;
    const from = ha.seen.length;
    await host.scan('docker', [
      container('proxy', { containerIds: ['99aa88bb77cc'], localDigests: [digest('2')] }),
    ]);
    await ha.until(() => containerComponents().length === 1, 'one container left');
    const messages = ha
      .on(ha.discoveryTopic(host.agentId), from)
      .map((m) => JSON.parse(m.payload) as Discovery);
    // HA removes one component of a device when it comes once with its platform alone.
    assert.deepEqual(messages[0]!.cmps[dbKey], { p: 'update' });
    assert.ok(!(dbKey in messages.at(-1)!.cmps));
    await ha.until(() => ha.last(String(db.state_topic))?.payload === '', 'its state cleared');
  });
});
