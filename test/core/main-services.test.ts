import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connectAsync } from 'mqtt';
import { startTestCore, type TestCore } from '../helpers/core.js';

const GUIDE = new URL('../../docs/development.md', import.meta.url);

/** Issue 22 §3: every long-lived part of the core is a service, started in dependency order. */
describe('core/main: the services of a core', () => {
  let core: TestCore | undefined;
  afterEach(async () => {
    await core?.close();
    core = undefined;
  });

  it('starts in the order docs/development.md gives, the broker after every part it hands messages to', async () => {
    core = await startTestCore('PGlite', (c) => {
      c.localAgent.enabled = false;
    });
    const documented = [...readFileSync(GUIDE, 'utf8').matchAll(/^\| \d+ +\| `([a-z ]+)` *\|/gm)].map(
      (m) => m[1],
    );
    assert.deepEqual(core.services, documented.slice(0, core.services.length));
    assert.deepEqual(documented.slice(core.services.length), ['local agent'], 'only the local agent is off');
    for (const part of ['dispatcher', 'install workflow', 'policy', 'intake'])
      assert.ok(core.services.indexOf(part) < core.services.indexOf('broker'), `${part} before the broker`);
    assert.ok(core.services.indexOf('broker') < core.services.indexOf('http'));
  });

  it('stops in reverse: once stopped, neither MQTT nor HTTP accepts, and the database is closed', async () => {
    core = await startTestCore('PGlite', (c) => {
      c.localAgent.enabled = false;
    });
    const { mqttUrl, httpUrl } = core;
    assert.equal((await fetch(`${httpUrl}/healthz`)).status, 200);
    const outcome = await core.stop('test');
    assert.equal(outcome.clean, true);
    await assert.rejects(fetch(`${httpUrl}/healthz`));
    await assert.rejects(connectAsync(mqttUrl, { connectTimeout: 2000, reconnectPeriod: 0 }));
    await assert.rejects(core.db.agents.list());
    core = undefined;
  });
});
