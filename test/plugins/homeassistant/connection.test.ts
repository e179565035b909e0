import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import type { TestCore } from '../../helpers/core.js';
import { startCoreWithHa } from './helpers/core-with-ha.js';
import { type HaObserver, observeAsHa } from './helpers/ha-observer.js';
import { type OwnMosquitto, requireMosquitto, startOwnMosquitto } from './helpers/mosquitto.js';

const STATUS = 'redflag/status';

/** Issue 26 §1: the core as an MQTT 5 client of Home Assistant's broker, with its availability. */
describe('homeassistant plugin: the connection to Home Assistant’s broker', function () {
  this.timeout(60_000);
  let broker: OwnMosquitto;
  let ha: HaObserver;
  const cores: TestCore[] = [];

  before(async function () {
    requireMosquitto(this);
    broker = await startOwnMosquitto({ users: { redflag: 's3cret-broker-pw', homeassistant: 'ha-pw-1234' } });
    ha = await observeAsHa(broker.url.replace('mqtt://', 'mqtt://homeassistant:ha-pw-1234@'));
  });
  after(async () => {
    for (const core of cores) await core.close();
    await ha?.close();
    await broker?.close();
  });

  it('signs in with the credentials from its secrets and says the core is online, retained', async () => {
    const core = await startCoreWithHa(
      broker.url,
      {},
      { secrets: { username: 'redflag', password: 's3cret-broker-pw' } },
    );
    cores.push(core);
    await ha.until(() => ha.last(STATUS)?.payload === 'online');
    // Retained: a Home Assistant that subscribes later still sees it.
    const late = await mqtt.connectAsync(broker.url, {
      protocolVersion: 5,
      username: 'homeassistant',
      password: 'ha-pw-1234',
    });
    const retained = new Promise<string>((resolve) =>
      late.on('message', (_t, p, packet) => packet.retain && resolve(p.toString())),
    );
    await late.subscribeAsync(STATUS);
    assert.equal(await retained, 'online');
    await late.endAsync();
    const [plugin] = (await fetchPlugins(core)) as Array<{ name: string; state: string }>;
    assert.deepEqual(plugin && { name: plugin.name, state: plugin.state }, {
      name: 'homeassistant',
      state: 'active',
    });
  });

  it('leaves a last will: the broker says offline when the core vanishes without a goodbye', async () => {
    const from = ha.seen.length;
    // Another client taking over the core's client id cuts the core's connection: the broker
    // publishes the core's will, as it would when the core's host loses power.
    const intruder = await mqtt.connectAsync(broker.url, {
      protocolVersion: 5,
      clientId: 'redflag-core',
      username: 'redflag',
      password: 's3cret-broker-pw',
    });
    await ha.until(() => ha.on(STATUS, from).some((m) => m.payload === 'offline'));
    await intruder.endAsync(true);
    // It reconnects by itself and says online again.
    await ha.until(() => ha.on(STATUS, from).at(-1)?.payload === 'online');
  });

  it('reconnects after the broker went away and came back, online again', async () => {
    await broker.stop();
    await broker.start();
    const from = ha.seen.length;
    await ha.until(() => ha.on(STATUS, from).some((m) => m.payload === 'online'));
  });

  it('says offline, retained, when the core stops', async () => {
    const from = ha.seen.length;
    await cores.pop()!.close();
    await ha.until(() => ha.on(STATUS, from).some((m) => m.payload === 'offline'));
    assert.deepEqual(ha.violations, []);
  });
});

async function fetchPlugins(core: TestCore): Promise<unknown[]> {
  return core.plugins.list();
}
