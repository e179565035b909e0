import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { adminRequest } from '../../core/api/index.js';
import type { UpdateState } from '../../plugins/homeassistant/entity-states.js';
import { cleanEnv, freePort, REDFLAG_BIN, tempDir } from '../helpers/cli.js';
import {
  connectAgent,
  helloMessage,
  publishUp,
  registerSimAgent,
  scanMessage,
  scanPackage,
} from '../helpers/sim-agent.js';
import { type HaObserver, observeAsHa } from '../plugins/homeassistant/helpers/ha-observer.js';
import {
  type OwnMosquitto,
  requireMosquitto,
  startOwnMosquitto,
} from '../plugins/homeassistant/helpers/mosquitto.js';

const START = fileURLToPath(new URL('../../addon/rootfs/usr/lib/redflag/start.mjs', import.meta.url));
const TOKEN = 'supervisor-token-7d1e';
const SLUG = '5c53de3b_redflag';
const HA_URL = 'http://192.168.1.10:8123';

/**
 * Issue 26 §2: the add-on's start script, run as the add-on runs it (the image itself cannot be
 * built here): against a stand-in for the Supervisor's HTTP API and a written options file, it
 * starts the core with those settings and the MQTT credentials it was handed.
 */
describe('addon start script', function () {
  this.timeout(180_000);
  let broker: OwnMosquitto;
  let ha: HaObserver;
  let supervisor: Server;
  let child: ChildProcess | null = null;
  const asked: Array<{ url: string; authorization: string | undefined }> = [];
  const dir = tempDir('redflag-addon-');
  let httpPort = 0;
  let brokerPort = 0;

  before(async function () {
    requireMosquitto(this);
    broker = await startOwnMosquitto({ users: { addons: 'mqtt-from-supervisor', homeassistant: 'ha-pw' } });
    ha = await observeAsHa(broker.url.replace('mqtt://', 'mqtt://homeassistant:ha-pw@'));
    // The Supervisor's answers, wrapped as its API wraps every answer; Home Assistant's own API
    // (/core/api/…, proxied by the Supervisor) answers bare.
    const answers: Record<string, () => object> = {
      '/services/mqtt': () => ({
        result: 'ok',
        data: {
          host: '127.0.0.1',
          port: broker.port,
          ssl: false,
          username: 'addons',
          password: 'mqtt-from-supervisor',
          protocol: '3.1.1',
        },
      }),
      // A repository add-on's slug carries the repository's hash.
      '/addons/self/info': () => ({
        result: 'ok',
        data: { slug: SLUG, ingress: true, ingress_url: '/api/hassio_ingress/x/' },
      }),
      '/core/api/config': () => ({ external_url: null, internal_url: HA_URL, version: '2026.12.0' }),
    };
    supervisor = createServer((req, res) => {
      asked.push({ url: req.url ?? '', authorization: req.headers.authorization });
      const answer = answers[req.url ?? ''];
      if (!answer || req.headers.authorization !== `Bearer ${TOKEN}`) {
        res.writeHead(answer ? 401 : 404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer()));
    });
    await new Promise<void>((resolve) => supervisor.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    supervisor?.close();
    await ha?.close();
    await broker?.close();
    dir.remove();
  });

  it('starts the core with the options and the broker credentials the Supervisor handed it', async () => {
    const options = join(dir.path, 'options.json');
    writeFileSync(
      options,
      JSON.stringify({ database_url: '', discovery: true, allow_install: true, log_level: 'info' }),
    );
    // HA's config directory (mapped homeassistant_config) and the built card, where the image has them.
    const haConfig = join(dir.path, 'homeassistant');
    mkdirSync(haConfig);
    const card = join(dir.path, 'rf-card.js');
    writeFileSync(card, '// the card bundle\n');
    httpPort = await freePort();
    brokerPort = await freePort();
    const address = supervisor.address() as { port: number };
    let output = '';
    child = spawn(process.execPath, [START], {
      cwd: dir.path,
      env: cleanEnv({
        SUPERVISOR_TOKEN: TOKEN,
        REDFLAG_ADDON_OPTIONS_FILE: options,
        REDFLAG_ADDON_SUPERVISOR_URL: `http://127.0.0.1:${address.port}`,
        REDFLAG_ADDON_CORE: REDFLAG_BIN,
        REDFLAG_ADDON_CARD: card,
        REDFLAG_ADDON_HA_CONFIG: haConfig,
        // Where the add-on uses /data and fixed ports, the test uses its own.
        REDFLAG_DATA_DIR: join(dir.path, 'data'),
        REDFLAG_HTTP_PORT: String(httpPort),
        REDFLAG_HTTP_HOST: '127.0.0.1',
        REDFLAG_BROKER_PORT: String(brokerPort),
        REDFLAG_BROKER_HOST: '127.0.0.1',
      }),
    });
    child.stdout!.on('data', (d: Buffer) => (output += d));
    child.stderr!.on('data', (d: Buffer) => (output += d));

    // Connected to HA's broker with the Supervisor's credentials (the broker refuses anonymous clients).
    await ha.until(
      () => ha.last('redflag/status')?.payload === 'online',
      `the core online; output:\n${output}`,
    );
    assert.deepEqual(
      asked.map((a) => a.url),
      ['/services/mqtt', '/addons/self/info', '/core/api/config'],
    );
    assert.ok(asked.every((a) => a.authorization === `Bearer ${TOKEN}`));
    // The HTTP server starts after the plugins: poll until it answers ready.
    for (let i = 0; ; i++) {
      const status = await fetch(`http://127.0.0.1:${httpPort}/readyz`).then(
        (r) => r.status,
        () => 0,
      );
      if (status === 200) break;
      if (i > 600) throw new Error(`never ready; output:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(output, /MQTT discovery through mqtt:\/\/127\.0\.0\.1:\d+/);
    assert.ok(!output.includes('mqtt-from-supervisor'), 'the broker password is never logged');
    // The Lovelace card where HA serves /local/ from (docs/panel.md).
    assert.equal(readFileSync(join(haConfig, 'www/redflag/rf-card.js'), 'utf8'), '// the card bundle\n');
    assert.match(output, /the Lovelace card is at \/local\/redflag\/rf-card\.js/);
  });

  it("links each host's entities into the panel through Home Assistant's page for the add-on", async () => {
    assert.ok(child, 'the core of the first test runs');
    const panelPage = `${HA_URL}/hassio/ingress/${SLUG}`;
    const { token } = await adminRequest<{ token: string }>(
      join(dir.path, 'data', 'redflag.sock'),
      'POST',
      '/v1/tokens',
      { label: 'add-on test', seats: 1, expires: '1d' },
    );
    const { identity } = await registerSimAgent(`http://127.0.0.1:${httpPort}`, token);
    assert.ok(identity, 'the agent registered');
    const agent = await connectAgent(`mqtt://127.0.0.1:${brokerPort}`, identity, { will: false });
    try {
      await publishUp(agent, identity, 'hello', helloMessage());
      await publishUp(
        agent,
        identity,
        'scan',
        scanMessage([scanPackage('openssl', { availableVersion: '3.0.15-1', severity: 'high' })]),
      );
      // Every payload the observer sees is checked against HA's schemas (http(s) release_url).
      const linked = `${panelPage}?redflag=${encodeURIComponent(`/hosts/${identity.agentId}`)}`;
      // The scan was stored (an update is pending) and the entity links to the host through HA.
      await ha.until(() => {
        const state = ha.last(ha.stateTopic(identity.agentId, 'os'));
        if (!state) return false;
        const s = JSON.parse(state.payload) as UpdateState;
        return s.latest_version !== s.installed_version && s.release_url === linked;
      }, 'the pending update, linked to the host through HA');
      const discovery = JSON.parse(ha.last(ha.discoveryTopic(identity.agentId))!.payload) as {
        dev: { configuration_url?: string };
      };
      // The device's Visit link opens the panel on the address HA is open at (the remote one too).
      assert.equal(
        discovery.dev.configuration_url,
        `homeassistant://hassio/ingress/${SLUG}?redflag=${encodeURIComponent(`/hosts/${identity.agentId}`)}`,
      );
    } finally {
      await agent.endAsync();
    }
  });
});
