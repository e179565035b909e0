import assert from 'node:assert/strict';
import { ingestScan } from '../../../core/updates/index.js';
import { containerItem, dockerScan, outdatedContainer } from '../../helpers/containers.js';
import type { TestCore } from '../../helpers/core.js';
import { startCoreWithHa } from './helpers/core-with-ha.js';
import { type HaObserver, observeAsHa } from './helpers/ha-observer.js';
import { type OwnMosquitto, requireMosquitto, startOwnMosquitto } from './helpers/mosquitto.js';

/**
 * A full publish (connect, HA's birth) reads the whole fleet in a constant number of queries,
 * grouped by host in memory, and sends for every host exactly what the host's own sync (its
 * own reads) sent.
 */
describe('homeassistant plugin: a full publish reads the fleet at once', function () {
  this.timeout(180_000);
  let broker: OwnMosquitto;
  let ha: HaObserver;
  let core: TestCore;
  const hosts: string[] = [];

  before(async function () {
    requireMosquitto(this);
    broker = await startOwnMosquitto();
    ha = await observeAsHa(broker.url);
    core = await startCoreWithHa(broker.url);
    await ha.until(() => ha.last('redflag/status')?.payload === 'online', 'the core online');
  });
  after(async () => {
    await core?.close();
    await ha?.close();
    await broker?.close();
  });
  afterEach(() => assert.deepEqual(ha.violations, [], 'every payload passes the schemas written from HA'));

  /** Every retained topic of a host: its discovery, availability, attributes and states. */
  const topicsOf = (agentId: string, from = 0, to = ha.seen.length) =>
    new Map(
      ha.seen
        .slice(from, to)
        .filter(
          (m) => m.topic === ha.discoveryTopic(agentId) || m.topic.startsWith(`redflag/hosts/${agentId}/`),
        )
        .map((m) => [m.topic, m.payload]),
    );

  /** A container's state is on the broker (its key is its name and a hash: topics.ts). */
  const hasContainer = (agentId: string, name: string) =>
    [...topicsOf(agentId).keys()].some(
      (t) => t.startsWith(`redflag/hosts/${agentId}/containers/${name}_`) && t.endsWith('/state'),
    );

  /**
   * Seeded hosts (packages of every status, online or not, some needing a reboot), each with a
   * docker inventory through the scan ingest: its `containers.changed` makes the host's own
   * sync publish it, from its own reads.
   */
  async function addHosts(count: number, prefix: string): Promise<void> {
    const ids = await core.db.seed.seedFleet({ agents: count, packagesPerAgent: 30, hostPrefix: prefix });
    for (const [i, agentId] of ids.entries()) {
      const containers = [outdatedContainer('web', 'docker.io/library/nginx', '1.27')];
      if (i % 2 === 0) containers.push(containerItem('cache', 'docker.io/library/redis', '7'));
      await ingestScan({ db: core.db, events: core.events, bus: core.live }, agentId, dockerScan(containers));
    }
    const synced = (id: string) => hasContainer(id, 'web');
    await ha.until(() => ids.every(synced), "each host's own sync");
    hosts.push(...ids);
  }

  /** HA's birth, then every host's every topic again; the statements the core ran meanwhile. */
  async function fullPublish(): Promise<{ statements: number; from: number }> {
    const expected = new Map(hosts.map((id) => [id, [...topicsOf(id).keys()]]));
    const from = ha.seen.length;
    const before = core.db.statementCount();
    await ha.send('homeassistant/status', 'online');
    const sentAgain = (id: string) => {
      const again = topicsOf(id, from);
      return expected.get(id)!.every((topic) => again.has(topic));
    };
    await ha.until(() => hosts.every(sentAgain), 'every host published again');
    return { statements: core.db.statementCount() - before, from };
  }

  it('publishes every host as its own sync did, byte for byte', async () => {
    await addHosts(4, 'few');
    const own = new Map(hosts.map((id) => [id, topicsOf(id)]));
    const { from } = await fullPublish();
    for (const id of hosts) {
      const again = topicsOf(id, from);
      assert.deepEqual(again, own.get(id), `host ${id}: the full publish differs from its own sync`);
    }
    // The seeded hosts differ from each other, so the comparison covers more than one shape.
    const states = new Set(hosts.map((id) => ha.last(ha.stateTopic(id, 'os'))!.payload));
    assert.ok(states.size > 1, 'hosts with different pending sets');
    const kinds = new Set(hosts.map((id) => hasContainer(id, 'cache')));
    assert.deepEqual(kinds, new Set([true, false]), 'hosts with and without the second container');
  });

  it('reads the fleet in as many queries for 20 hosts as for 4', async () => {
    const few = (await fullPublish()).statements;
    await addHosts(16, 'many');
    assert.equal(hosts.length, 20);
    const many = (await fullPublish()).statements;
    // Two reads per host would add 32 statements; the publish reads the fleet in a few.
    assert.ok(many - few < 8, `${few} statements for 4 hosts, ${many} for 20`);
    assert.ok(many < 20, `${many} statements for 20 hosts: fewer than one per host`);
  });

  it('announces hosts it never published, and records them all in one statement', async () => {
    // Seeded without a bus event: no host's own sync, the full publish is their first.
    const fresh = await core.db.seed.seedFleet({ agents: 12, packagesPerAgent: 5, hostPrefix: 'fresh' });
    const registry = core.db.plugin('homeassistant').database;
    let polls = 0;
    const registered = async () => {
      polls++;
      const rows = await registry.query<{ agent_id: string }>('select agent_id from homeassistant_devices');
      return fresh.every((id) => rows.some((r) => r.agent_id === id));
    };
    const from = ha.seen.length;
    const before = core.db.statementCount();
    await ha.send('homeassistant/status', 'online');
    await ha.until(() => fresh.every((id) => ha.on(ha.stateTopic(id, 'reboot'), from).length > 0));
    for (let i = 0; !(await registered()); i++)
      if (i > 400) throw new Error('the registry never had every new host');
      else await new Promise((r) => setTimeout(r, 25));
    const statements = core.db.statementCount() - before - polls;
    // One insert per host would add 12 (32 hosts: 20 known, 12 new).
    assert.ok(statements < 12, `${statements} statements to publish 32 hosts, 12 of them new`);
  });
});
