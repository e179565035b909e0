import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { startTestCore, type TestCore } from '../helpers/core.js';
import { type AgentIdentity, connectPassword, helloMessage, registerSimAgent } from '../helpers/sim-agent.js';

const HAVE_MOSQUITTO = spawnSync('mosquitto_pub', ['--help']).error === undefined;

function run(cmd: string, args: string[], timeoutMs = 10000): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args);
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

/** Mosquitto's own command-line clients against RedFlag's broker: a second, independent MQTT stack. */
describe("embedded broker with Mosquitto's command-line clients", function () {
  this.timeout(30000);
  let core: TestCore;
  let alice: AgentIdentity;
  let bob: AgentIdentity;

  before(async function () {
    if (!HAVE_MOSQUITTO) {
      if (process.env.CI === 'true')
        throw new Error('CI=true but mosquitto_pub is missing (package mosquitto-clients)');
      this.skip();
    }
    core = await startTestCore('PGlite');
    const token = await core.createToken(2);
    alice = (await registerSimAgent(core.httpUrl, token)).identity!;
    bob = (await registerSimAgent(core.httpUrl, token)).identity!;
  });
  after(() => core?.close());

  const base = () => ['-h', '127.0.0.1', '-p', String(core.broker.ports.tcp), '-V', 'mqttv311'];
  const as = (who: AgentIdentity) => ['-i', who.agentId, '-u', who.agentId, '-P', connectPassword(who)];

  it('lets an enrolled agent publish its hello with mosquitto_pub', async () => {
    const hello = { ...helloMessage(), agentVersion: '7.7.7-mosquitto' };
    const res = await run('mosquitto_pub', [
      ...base(),
      ...as(alice),
      '-q',
      '1',
      '-t',
      `rf/v1/agents/${alice.agentId}/up/hello`,
      '-m',
      JSON.stringify(hello),
    ]);
    assert.equal(res.code, 0, res.out);
    for (let i = 0; i < 100; i++) {
      if ((await core.db.agents.findById(alice.agentId))?.agentVersion === '7.7.7-mosquitto') return;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.fail('hello sent by mosquitto_pub was not applied');
  });

  it('refuses an anonymous mosquitto_pub', async () => {
    const res = await run('mosquitto_pub', [
      ...base(),
      '-t',
      `rf/v1/agents/${alice.agentId}/up/hello`,
      '-m',
      '{}',
    ]);
    assert.notEqual(res.code, 0);
    assert.match(res.out, /not authori[sz]ed|bad user ?name or password|refused/i);
  });

  it("refuses mosquitto_sub on another agent's down/# and on #", async () => {
    for (const topic of [`rf/v1/agents/${bob.agentId}/down/#`, '#']) {
      const res = await run('mosquitto_sub', [...base(), ...as(alice), '-t', topic, '-W', '3']);
      // mosquitto_sub 2.0.11 reports the SUBACK refusal in words and exits 0.
      assert.match(res.out, /All subscription requests were denied/, `subscription to ${topic}: ${res.out}`);
    }
  });

  it('refuses a replayed mosquitto password', async () => {
    const password = connectPassword(alice);
    const args = [
      ...base(),
      '-i',
      alice.agentId,
      '-u',
      alice.agentId,
      '-P',
      password,
      '-t',
      `rf/v1/agents/${alice.agentId}/presence`,
      '-r',
      '-q',
      '1',
      '-m',
      '{"v":1,"online":true}',
    ];
    assert.equal((await run('mosquitto_pub', args)).code, 0);
    const replay = await run('mosquitto_pub', args);
    assert.notEqual(replay.code, 0);
  });
});
