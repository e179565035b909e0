import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanEnv, freePort, REDFLAG_BIN, tempDir } from '../helpers/cli.js';
import { type HaObserver, observeAsHa } from '../plugins/homeassistant/helpers/ha-observer.js';
import {
  type OwnMosquitto,
  requireMosquitto,
  startOwnMosquitto,
} from '../plugins/homeassistant/helpers/mosquitto.js';

const START = fileURLToPath(new URL('../../addon/rootfs/usr/lib/redflag/start.mjs', import.meta.url));
const TOKEN = 'supervisor-token-7d1e';

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

  before(async function () {
    requireMosquitto(this);
    broker = await startOwnMosquitto({ users: { addons: 'mqtt-from-supervisor', homeassistant: 'ha-pw' } });
    ha = await observeAsHa(broker.url.replace('mqtt://', 'mqtt://homeassistant:ha-pw@'));
    // The Supervisor's answer, wrapped as its API wraps every answer.
    supervisor = createServer((req, res) => {
      asked.push({ url: req.url ?? '', authorization: req.headers.authorization });
      if (req.url !== '/services/mqtt' || req.headers.authorization !== `Bearer ${TOKEN}`) {
        res.writeHead(401).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
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
      );
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
    const httpPort = await freePort();
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
        REDFLAG_BROKER_PORT: String(await freePort()),
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
    assert.deepEqual(asked, [{ url: '/services/mqtt', authorization: `Bearer ${TOKEN}` }]);
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
});
