import assert from 'node:assert/strict';
import { tempDir } from '../../helpers/cli.js';
import { outdatedContainer } from '../../helpers/containers.js';
import type { TestCore } from '../../helpers/core.js';
import { scanPackage } from '../../helpers/sim-agent.js';
import { addHost, startCoreWithHa } from './helpers/core-with-ha.js';
import { type HaObserver, observeAsHa } from './helpers/ha-observer.js';
import { type OwnMosquitto, requireMosquitto, startOwnMosquitto } from './helpers/mosquitto.js';

type Discovery = { cmps: Record<string, { unique_id?: string }> };

const uniqueIds = (payload: string) =>
  Object.values((JSON.parse(payload) as Discovery).cmps)
    .map((c) => c.unique_id)
    .sort();

/** Issue 26 §1: stable unique_ids across restarts; a broker that comes back gets everything again. */
describe('homeassistant plugin: restarts of the core and of the broker', function () {
  this.timeout(180_000);
  let broker: OwnMosquitto;
  let ha: HaObserver;
  let core: TestCore | null = null;
  const data = tempDir('redflag-ha-restart-');

  before(async function () {
    requireMosquitto(this);
    broker = await startOwnMosquitto();
    ha = await observeAsHa(broker.url);
  });
  after(async () => {
    await core?.close();
    await ha?.close();
    await broker?.close();
    data.remove();
  });

  it('re-publishes discovery and states after the broker went away and came back empty', async () => {
    core = await startCoreWithHa(broker.url, {}, { dataDir: data.path });
    const host = await addHost(core, {}, 'nas');
    await host.scan('apt', [scanPackage('openssl')]);
    await host.containers([outdatedContainer('proxy', 'docker.io/library/nginx', '1.27')]);
    const os = ha.stateTopic(host.agentId, 'os');
    await ha.until(() => ha.last(ha.stateTopic(host.agentId, 'pending'))?.payload === '1');
    const before = ha.last(os)!.payload;

    // No persistence: the broker that comes back has lost every retained message.
    await broker.stop();
    const from = ha.seen.length;
    await broker.start();
    await ha.until(() => ha.on(ha.discoveryTopic(host.agentId), from).length > 0);
    await ha.until(
      () => ha.on(os, from).length > 0 && ha.on(ha.stateTopic(host.agentId, 'reboot'), from).length > 0,
    );
    assert.equal(ha.last(os)!.payload, before);
    assert.equal(
      await ha.retained(ha.discoveryTopic(host.agentId)),
      ha.last(ha.discoveryTopic(host.agentId))!.payload,
    );
    host.agent.client.end(true);
    assert.deepEqual(ha.violations, []);
  });

  it('keeps every unique_id across a core restart, and deletes a host removed while it was down', async () => {
    const agents = await core!.db.agents.list();
    const [agent] = agents;
    const topic = ha.discoveryTopic(agent!.id);
    const first = uniqueIds(ha.last(topic)!.payload);
    assert.ok(first.length >= 7, `${first.length} components`);
    // A host whose discovery is on the broker but that is gone from the fleet when the core
    // comes back (removed while it was down): its discovery must go.
    const ghost = '00000000-0000-4000-8000-000000000001';
    const ghostTopic = ha.discoveryTopic(ghost);
    await ha.send(
      ghostTopic,
      JSON.stringify({
        dev: { identifiers: [`redflag_${ghost}`] },
        o: { name: 'RedFlag' },
        cmps: { os: { p: 'update', unique_id: `redflag_${ghost}_os` } },
      }),
      true,
    );
    await core!.db
      .plugin('homeassistant')
      .database.query("insert into homeassistant_devices (agent_id, containers) values (?, '[]'::jsonb)", [
        ghost,
      ]);
    // A container entity on the broker the host no longer has (gone while the core was down, or
    // keyed by its image as before the container inventory): its component must go too.
    const stale = 'docker_io_library_nginx_1_27_0badc0de';
    await core!.db
      .plugin('homeassistant')
      .database.query(
        `update homeassistant_devices set containers = containers || ?::jsonb where agent_id = ?`,
        [JSON.stringify([stale]), agent!.id],
      );
    await core!.stop('restart');
    core = null;

    const from = ha.seen.length;
    core = await startCoreWithHa(broker.url, {}, { dataDir: data.path });
    // Two discoveries: the one that deletes the stale component, then the host's own.
    await ha.until(() => ha.on(topic, from).length >= 2);
    assert.deepEqual(uniqueIds(ha.last(topic)!.payload), first);
    const sent = ha.on(topic, from).map((m) => JSON.parse(m.payload) as Discovery);
    assert.deepEqual(sent[0]!.cmps[`c_${stale}`], { p: 'update' }, 'the stale component removed');
    await ha.until(() =>
      ha.on(ha.stateTopic(agent!.id, `containers/${stale}`), from).some((m) => m.payload === ''),
    );
    await ha.until(() => ha.on(ghostTopic, from).some((m) => m.payload === ''));
    assert.equal(await ha.retained(ghostTopic), null);
  });
});
