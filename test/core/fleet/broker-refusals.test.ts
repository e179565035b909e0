import assert from 'node:assert/strict';
import { generateKeyPair } from '../../../broker/protocol/index.js';
import { startTestCore, type TestCore } from '../../helpers/core.js';
import { connectAgent, connectPassword, registerSimAgent } from '../../helpers/sim-agent.js';

const refusalCode = (err: unknown) => (err as { code?: number }).code;

describe('broker refusal events cannot be spent by someone else (issue 21 §9)', function () {
  this.timeout(60_000);
  let core: TestCore;

  before(async () => {
    // Listening on all of 127.0.0.0/8 is not needed: a client bound to 127.0.0.2 reaches 127.0.0.1.
    core = await startTestCore('PGlite', (config) => {
      config.security.refusalEventsPerMinute = 3;
    });
  });
  after(() => core.close());

  it("records the victim's own refusal one by one while wrong keys in its name flood from another address, and counts the flood exactly", async () => {
    const token = await core.createToken(1);
    const victim = (await registerSimAgent(core.httpUrl, token, { hostname: 'victim' })).identity!;
    const stranger = generateKeyPair();
    for (let i = 0; i < 5; i++) {
      const forged = connectPassword({ ...victim, privateKey: stranger.privateKey });
      await assert.rejects(
        connectAgent(core.mqttUrl, victim, { password: forged, localAddress: '127.0.0.2' }),
        (err) => refusalCode(err) === 4,
      );
    }
    // The victim itself, from its own address, with a clock off by more than 300 s.
    await assert.rejects(
      connectAgent(core.mqttUrl, victim, { password: connectPassword(victim, Date.now() - 301_000) }),
      (err) => refusalCode(err) === 4,
    );
    // Refusals are recorded after the CONNACK; closing the recorder writes the open minute's summaries.
    const deadline = Date.now() + 10_000;
    const refusals = async () =>
      (await core.db.systemEvents.list({ type: 'security', limit: 1000 })).filter(
        (e) => e.agentId === victim.agentId && e.component === 'broker',
      );
    while ((await refusals()).length < 4 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 25));
    await core.events.close();
    const events = await refusals();

    const own = events.filter((e) => e.subtype === 'mqtt_clock_skew');
    assert.equal(own.length, 1, 'the victim’s refusal is recorded on its own');
    assert.equal(own[0]!.metadata.address, '127.0.0.1');
    assert.equal(own[0]!.metadata.suppressed, undefined);

    const flood = events.filter((e) => e.subtype === 'mqtt_bad_signature');
    const single = flood.filter((e) => e.metadata.suppressed === undefined);
    const summaries = flood.filter((e) => e.metadata.suppressed !== undefined);
    assert.equal(single.length, 3);
    assert.ok(single.every((e) => e.metadata.address === '127.0.0.2'));
    assert.equal(summaries.length, 1);
    assert.equal(summaries[0]!.metadata.suppressed, 2);
    assert.match(summaries[0]!.message, /^2 more like this/);
  });
});
