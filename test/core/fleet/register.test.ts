import assert from 'node:assert/strict';
import { createRegistrationToken, hashRegistrationToken } from '../../../broker/protocol/index.js';
import { startTestCore, type TestCore } from '../../helpers/core.js';
import { describeEachDatabase } from '../../helpers/databases.js';
import { registerSimAgent } from '../../helpers/sim-agent.js';

describeEachDatabase('POST /api/v1/agents/register', (target) => {
  let core: TestCore;
  before(async () => {
    core = await startTestCore(target.name);
  });
  after(() => core.close());

  it('enrols an agent and returns its id, the server key and the broker URL', async () => {
    const token = await core.createToken(1);
    const { status, body, identity } = await registerSimAgent(core.httpUrl, token);
    assert.equal(status, 201, JSON.stringify(body));
    assert.equal(body.serverPublicKey, core.keys.active().publicKey);
    assert.equal(body.serverKeyId, core.keys.active().keyId);
    assert.equal(body.brokerUrl, `mqtt://127.0.0.1:${core.broker.ports.tcp}`);
    const agent = await core.db.agents.findById(identity!.agentId);
    assert.equal(agent?.status, 'active');
    assert.equal(agent?.publicKey, identity!.publicKey);
    const [stored] = await core.db.registration.listTokens();
    assert.equal(stored?.seatsUsed, 1);
  });

  it('refuses a token with no seats left, with a reason the agent can print', async () => {
    const token = await core.createToken(1);
    assert.equal((await registerSimAgent(core.httpUrl, token)).status, 201);
    const second = await registerSimAgent(core.httpUrl, token);
    assert.equal(second.status, 403);
    assert.deepEqual(second.body, {
      error: {
        code: 'token_exhausted',
        message: 'registration token has no seats left; ask the admin for a new one',
      },
    });
  });

  it('refuses revoked, expired, unknown, malformed and foreign tokens', async () => {
    const revoked = await core.createToken(5);
    const [row] = await core.db.registration.listTokens();
    await core.db.registration.revokeToken(row!.id);
    const rev = await registerSimAgent(core.httpUrl, revoked);
    assert.equal(rev.status, 403);
    assert.match(JSON.stringify(rev.body), /token_revoked/);

    const expired = createRegistrationToken(core.keys.active().publicKey).token;
    await core.db.registration.createToken({
      tokenHash: hashRegistrationToken(expired),
      label: 'expired',
      seats: 5,
      expiresAt: new Date(Date.now() - 60_000),
      createdBy: 'test',
    });
    const exp = await registerSimAgent(core.httpUrl, expired);
    assert.equal(exp.status, 403);
    assert.match(JSON.stringify(exp.body), /token_expired/);

    const unknown = createRegistrationToken(core.keys.active().publicKey).token;
    const unk = await registerSimAgent(core.httpUrl, unknown);
    assert.equal(unk.status, 401);
    assert.match(JSON.stringify(unk.body), /unknown_token/);

    const bad = await registerSimAgent(core.httpUrl, 'not-a-token');
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(bad.body), /invalid_token/);

    const foreign = createRegistrationToken('A'.repeat(43) + '=').token;
    const other = await registerSimAgent(core.httpUrl, foreign);
    assert.equal(other.status, 400);
    assert.match(JSON.stringify(other.body), /another RedFlag server/);
  });

  it('answers 400 with the documented shape for a body that breaks its schema', async () => {
    const res = await fetch(`${core.httpUrl}/api/v1/agents/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: 'x', publicKey: 'short' }),
    });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'validation_failed');
  });

  it('refuses a second active agent on the same machine and records a security event', async () => {
    const token = await core.createToken(3);
    const first = await registerSimAgent(core.httpUrl, token);
    const clone = await registerSimAgent(core.httpUrl, token, {
      machineIdHash: first.identity!.machineIdHash,
    });
    assert.equal(clone.status, 409);
    assert.match(JSON.stringify(clone.body), /machine_already_enrolled/);
    const events = await core.db.systemEvents.list({ type: 'security' });
    const event = events.find((e) => e.subtype === 'machine_already_enrolled');
    assert.ok(event, 'no security event');
    assert.equal(event.agentId, first.identity!.agentId);
    // The refused attempt did not use up a seat.
    const tokens = await core.db.registration.listTokens();
    assert.equal(tokens.find((t) => t.seatsTotal === 3)?.seatsUsed, 1);
  });

  it('lets an admin-approved machine rebind and keep its agent id', async () => {
    const token = await core.createToken(2);
    const first = await registerSimAgent(core.httpUrl, token);
    const agentId = first.identity!.agentId;
    assert.ok(await core.db.agents.allowRebind(agentId, new Date(Date.now() + 3600_000)));
    const again = await registerSimAgent(core.httpUrl, token, {
      machineIdHash: first.identity!.machineIdHash,
    });
    assert.equal(again.status, 201);
    assert.equal(again.body.agentId, agentId);
    assert.equal(again.body.rebound, true);
    assert.equal((await core.db.agents.findById(agentId))?.publicKey, again.identity!.publicKey);
  });

  it('never gives more agents than seats: 50 concurrent registrations on a 5-seat token', async () => {
    const token = await core.createToken(5);
    const before = (await core.db.agents.list()).length;
    const results = await Promise.all(
      Array.from({ length: 50 }, () => registerSimAgent(core.httpUrl, token)),
    );
    const statuses = results.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 201).length, 5);
    assert.equal(statuses.filter((s) => s === 403).length, 45);
    assert.equal((await core.db.agents.list()).length - before, 5);
  });
});
