// Home Assistant discovery (issue 26): 200 hosts and 1,000 containers published to a real
// Mosquitto standing in for HA's broker. Measures the time from the core's connect to the last
// discovery message and to the last state, the messages per host, the delay from an ingested
// scan to the entity's new state on the broker, and the most state publishes of one entity in
// any second under a burst of scans. Reference: a bare mqtt.js client publishing the very same
// messages (topics, payloads, QoS 1, retained) one after another to the same broker.
import mqtt from 'mqtt';
import { ingestScan } from '../../core/updates/index.js';
import { tempDir } from '../helpers/cli.js';
import { startTestCore } from '../helpers/core.js';
import { outdatedContainer, dockerScan } from '../helpers/containers.js';
import { scanPackage } from '../helpers/sim-agent.js';
import { addHost, startCoreWithHa } from '../plugins/homeassistant/helpers/core-with-ha.js';
import { observeAsHa } from '../plugins/homeassistant/helpers/ha-observer.js';
import { startOwnMosquitto } from '../plugins/homeassistant/helpers/mosquitto.js';
import { percentile } from './lib.js';

const HOSTS = Number(process.env.BENCH_AGENTS ?? 200);
const CONTAINERS_PER_HOST = 5;
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 20);

/** A host's containers as the Docker plugin reports them: each on its own image with an update. */
const inventory = () =>
  Array.from({ length: CONTAINERS_PER_HOST }, (_, i) =>
    outdatedContainer(`app-${i}`, `docker.io/library/app-${i}`, '1.27'),
  );

export async function run() {
  const broker = await startOwnMosquitto();
  const data = tempDir('redflag-bench-ha-');
  try {
    // The fleet first, on a core without the plugin: 200 seeded hosts with 50 packages each,
    // and 5 Docker containers per host through the scan ingest: the inventory the plugin's
    // entities come from, with a record for each container's image.
    const seeding = await startTestCore('PGlite', (config) => (config.dataDir = data.path));
    const ids = await seeding.db.seed.seedFleet({ agents: HOSTS, packagesPerAgent: 50 });
    for (const agentId of ids) await ingestScan(seeding, agentId, dockerScan(inventory()));
    await seeding.stop('seeded');

    const ha = await observeAsHa(broker.url);
    const core = await startCoreWithHa(
      broker.url,
      { coalesceMs: 250, minIntervalMs: 1000 },
      { dataDir: data.path },
    );
    try {
      const online = () => ha.seen.findIndex((m) => m.topic === 'redflag/status' && m.payload === 'online');
      await ha.until(() => online() >= 0, 'the core online');
      const t0 = performance.now();
      const discovery = () => ha.seen.filter((m) => m.topic.startsWith('homeassistant/device/')).length;
      await ha.until(() => discovery() >= HOSTS, 'every discovery');
      const tDiscovery = performance.now() - t0;
      const lastStates = () => ids.every((id) => ha.last(ha.stateTopic(id, `reboot`)));
      await ha.until(lastStates, 'every state');
      const tStates = performance.now() - t0;
      // The container entities really are there: the bench measures 1,000 of them, not 0.
      const entities = ids
        .map((id) => Object.keys(ha.json<{ cmps: object }>(ha.discoveryTopic(id)).cmps))
        .flat()
        .filter((key) => key.startsWith('c_')).length;
      if (entities !== HOSTS * CONTAINERS_PER_HOST)
        throw new Error(`${entities} container entities discovered, expected ${HOSTS * CONTAINERS_PER_HOST}`);
      const published = ha.seen.slice(online() + 1).filter((m) => m.topic !== 'redflag/status');
      console.log(
        `  ${HOSTS} hosts, ${HOSTS * CONTAINERS_PER_HOST} containers: discovery complete ${tDiscovery.toFixed(0)} ms ` +
          `after connect (target < 5000), states ${tStates.toFixed(0)} ms; ` +
          `${(published.length / HOSTS).toFixed(1)} messages per host`,
      );

      // The same messages from a bare client, in the same order, to the same broker.
      const bare = await mqtt.connectAsync(broker.url, { protocolVersion: 5, clientId: 'bench-bare' });
      const r0 = performance.now();
      for (const m of published)
        await bare.publishAsync(`bare/${m.topic}`, m.payload, { qos: 1, retain: true });
      const tBare = performance.now() - r0;
      await bare.endAsync();
      console.log(
        `  reference (bare mqtt.js, same ${published.length} messages): ${tBare.toFixed(0)} ms; ` +
          `RedFlag/reference ${(tStates / tBare).toFixed(2)}x`,
      );

      // Scan → new state on the broker, for a host that is quiet before each scan.
      const host = await addHost(core, {}, 'bench-host');
      const delays: number[] = [];
      for (let i = 0; i < SAMPLES; i++) {
        const topic = ha.stateTopic(host.agentId, 'os');
        const before = ha.last(topic)?.payload;
        await new Promise((r) => setTimeout(r, 1100)); // past the once-a-second limit
        const s0 = performance.now();
        await host.scan('apt', [scanPackage('openssl', { availableVersion: `3.0.${i + 1}` })]);
        await ha.until(() => ha.last(topic)?.payload !== before, 'the new state');
        delays.push(performance.now() - s0);
      }
      console.log(
        `  scan ingested → state on the broker: p50 ${percentile(delays, 50).toFixed(0)} ms, ` +
          `p99 ${percentile(delays, 99).toFixed(0)} ms (target < 1000)`,
      );

      // A burst: scans back to back for about five seconds; the most publishes of one entity in a second.
      const topic = ha.stateTopic(host.agentId, 'os');
      const from = ha.seen.length;
      const times: number[] = [];
      const mark = ha.seen.length;
      const b0 = performance.now();
      for (let i = 0; performance.now() - b0 < 5000; i++)
        await host.scan('apt', [scanPackage('openssl', { availableVersion: `4.0.${i}` })]);
      await new Promise((r) => setTimeout(r, 1500));
      void mark;
      for (const m of ha.on(topic, from)) times.push(m.at);
      let worst = 0;
      for (const t of times) worst = Math.max(worst, times.filter((u) => u >= t && u < t + 1000).length);
      console.log(
        `  burst of scans: at most ${worst} state publish(es) of one entity in any second (target ≤ 1)`,
      );
      if (ha.violations.length) console.log(`  SCHEMA VIOLATIONS: ${ha.violations.slice(0, 3).join('; ')}`);
      host.agent.client.end(true);
    } finally {
      await core.close();
      await ha.close();
    }
  } finally {
    await broker.close();
    data.remove();
  }
}
