import assert from 'node:assert/strict';
import type { MqttClient } from 'mqtt';
import { type CommandMessage, signCommand, verifyCommand } from '../../../broker/protocol/index.js';
import { ServerKeyring } from '../../../core/fleet/index.js';
import { tempDir } from '../../helpers/cli.js';
import { startTestCore, type TestCore } from '../../helpers/core.js';
import {
  type AgentIdentity,
  connectAgent,
  envelope,
  listenDown,
  publishUp,
  registerSimAgent,
} from '../../helpers/sim-agent.js';
import { until } from '../../helpers/until.js';

describe('signed commands', function () {
  this.timeout(30000);
  let core: TestCore;
  let agent: AgentIdentity;
  const clients: MqttClient[] = [];

  before(async () => {
    core = await startTestCore('PGlite');
    agent = (await registerSimAgent(core.httpUrl, await core.createToken(1))).identity!;
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.end(true);
  });
  after(() => core.close());

  async function online(opts: { autoAck?: boolean } = {}) {
    const client = await connectAgent(core.mqttUrl, agent);
    clients.push(client);
    const down = await listenDown(client, agent, opts);
    await until('online', async () => (await core.db.agents.findById(agent.agentId))?.online);
    return { client, down };
  }

  it('reach a connected agent signed, verify with the key it got at enrollment, and are acknowledged', async () => {
    const { down } = await online();
    const { command } = await core.dispatcher.issue({
      agentId: agent.agentId,
      type: 'scan',
      params: { plugin: 'apt' },
    });
    const got = await down.waitFor((m) => m.type === 'command' && m.payload.id === command.id);
    const message = got.payload as unknown as CommandMessage;
    assert.equal(message.keyId, core.keys.active().keyId);
    assert.deepEqual(message.params, { plugin: 'apt' });
    assert.deepEqual(verifyCommand(message, { agentId: agent.agentId, keys: agent.serverKeys }), {
      ok: true,
    });
    const stored = await until('acknowledged', async () => {
      const c = await core.db.commands.findById(command.id);
      return c?.status === 'acknowledged' && c;
    });
    assert.ok(stored.sentAt && stored.acknowledgedAt);
  });

  it('wait for an offline agent and go out on connect, oldest first; expired ones time out instead', async () => {
    const { command: first } = await core.dispatcher.issue({
      agentId: agent.agentId,
      type: 'scan',
      params: { n: 1 },
    });
    const { command: second } = await core.dispatcher.issue({
      agentId: agent.agentId,
      type: 'scan',
      params: { n: 2 },
    });
    const { command: expired } = await core.dispatcher.issue({
      agentId: agent.agentId,
      type: 'reboot',
      ttlSeconds: 0,
    });
    assert.equal((await core.db.commands.findById(first.id))?.status, 'pending');
    const { down } = await online();
    await down.waitFor((m) => m.type === 'command' && m.payload.id === second.id);
    const order = down.received.filter((m) => m.type === 'command').map((m) => m.payload.id);
    assert.deepEqual(order.slice(0, 2), [first.id, second.id]);
    assert.ok(!order.includes(expired.id), 'an expired command was sent');
    // The core's expiry timer marks it; waiting for it here would make the test slow.
    await core.dispatcher.expireOverdue();
    assert.equal((await core.db.commands.findById(expired.id))?.status, 'timed_out');
    const events = await core.db.systemEvents.list({ type: 'command' });
    assert.ok(events.some((e) => e.subtype === 'timed_out' && e.metadata.commandId === expired.id));
  });

  it('are sent again on reconnect until the agent acknowledges them', async () => {
    const quiet = await online({ autoAck: false });
    const { command } = await core.dispatcher.issue({ agentId: agent.agentId, type: 'scan' });
    await quiet.down.waitFor((m) => m.type === 'command' && m.payload.id === command.id);
    quiet.client.end(true);
    await until('offline', async () => (await core.db.agents.findById(agent.agentId))?.online === false);
    assert.equal((await core.db.commands.findById(command.id))?.status, 'sent');
    const { down } = await online();
    await down.waitFor((m) => m.type === 'command' && m.payload.id === command.id);
    await until(
      'acknowledged',
      async () => (await core.db.commands.findById(command.id))?.status === 'acknowledged',
    );
  });

  /** The statement count once it has not moved for 200 ms. */
  async function statementsAtRest(): Promise<number> {
    for (let last = -1; ;) {
      const now = core.db.statementCount();
      if (now === last) return now;
      last = now;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Resolves when the live bus says the command reached `status`. */
  function statusOnBus(commandId: string, status: string) {
    return new Promise<void>((resolve) => {
      const off = core.live.subscribe((event) => {
        if (
          event.kind === 'command.status' &&
          event.data.commandId === commandId &&
          event.data.status === status
        ) {
          off();
          resolve();
        }
      });
    });
  }

  it('record going out and being accepted together, in one write after the ack, not two on the way', async () => {
    await online();
    // What connecting sets off (hello, presence, the look for undelivered commands) is done.
    const before = await statementsAtRest();
    const { command } = await core.dispatcher.issue({
      agentId: agent.agentId,
      type: 'scan',
      params: { n: 'ack' },
    });
    await statusOnBus(command.id, 'acknowledged');
    // Only the insert so far: nothing else stood in front of the next command's insert.
    assert.equal(core.db.statementCount() - before, 1);
    await core.dispatcher.flushDeliveryMarks();
    assert.equal(core.db.statementCount() - before, 2);
    const acked = (await core.db.commands.findById(command.id))!;
    assert.equal(acked.status, 'acknowledged');
    assert.ok(acked.sentAt && acked.acknowledgedAt, 'sent and acknowledged times are both recorded');
    assert.ok(acked.sentAt >= acked.createdAt && acked.acknowledgedAt >= acked.sentAt);
  });

  it('are marked sent on their own for a silent agent, and acknowledged when its answer comes late', async () => {
    const quiet = await online({ autoAck: false });
    const { command } = await core.dispatcher.issue({ agentId: agent.agentId, type: 'scan' });
    await quiet.down.waitFor((m) => m.type === 'command' && m.payload.id === command.id);
    const sent = await until('sent', async () => {
      const c = await core.db.commands.findById(command.id);
      return c?.status === 'sent' && c;
    });
    assert.ok(sent.sentAt && sent.sentAt >= sent.createdAt && !sent.acknowledgedAt);
    await publishUp(quiet.client, agent, 'ack', { ...envelope(), commandId: command.id, accepted: true });
    const acked = await until('acknowledged', async () => {
      const c = await core.db.commands.findById(command.id);
      return c?.status === 'acknowledged' && c;
    });
    assert.deepEqual(acked.sentAt, sent.sentAt);
  });

  it('cancelled right after they went out are withdrawn from the agent too', async () => {
    const { down } = await online({ autoAck: false });
    const { command } = await core.dispatcher.issue({ agentId: agent.agentId, type: 'reboot' });
    // No wait: the time it was sent is not in the table yet.
    const { command: cancelled } = await core.dispatcher.cancel(command.id, 'test');
    assert.equal(cancelled.status, 'cancelled');
    assert.ok(cancelled.sentAt, 'the cancelled command says it had been sent');
    const withdrawal = await down.waitFor(
      (m) =>
        m.type === 'command' &&
        m.payload.type === 'cancel' &&
        (m.payload.params as { commandId?: string }).commandId === command.id,
    );
    assert.ok(withdrawal);
  });

  it('signed with a key the agent does not trust are refused by it, and recorded', async () => {
    const { down } = await online();
    const stranger = ServerKeyring.open(tempDir().path).active();
    const { command } = await core.db.commands.create({
      agentId: agent.agentId,
      type: 'reboot',
      params: {},
      source: 'manual',
      expiresAt: new Date(Date.now() + 60_000),
    });
    const forged = signCommand(
      {
        id: command.id,
        agentId: agent.agentId,
        type: 'reboot',
        params: {},
        issuedAt: command.createdAt.toISOString(),
        expiresAt: command.expiresAt.toISOString(),
        attempt: 1,
        keyId: stranger.keyId,
      },
      stranger.privateKey,
    );
    await core.broker.publishToAgent(agent.agentId, 'command', JSON.stringify(forged));
    await down.waitFor((m) => m.type === 'command' && m.payload.id === command.id);
    const rejected = await until('rejected', async () => {
      const c = await core.db.commands.findById(command.id);
      return c?.status === 'rejected' && c;
    });
    assert.match(rejected.error ?? '', /^unknown_key/);
    const events = await core.db.systemEvents.list({ type: 'command' });
    assert.ok(events.some((e) => e.subtype === 'rejected' && e.metadata.commandId === command.id));
  });
});

describe('server key rotation', () => {
  it('signs with the new key; the old key verifies until the overlap ends', () => {
    const dir = tempDir();
    try {
      const ring = ServerKeyring.open(dir.path);
      const old = ring.active();
      const t0 = new Date('2026-11-23T12:00:00Z');
      const fresh = ring.rotate(24, t0);
      assert.notEqual(fresh.keyId, old.keyId);
      assert.equal(ring.active().keyId, fresh.keyId);

      const fields = {
        id: '11111111-1111-4111-8111-111111111111',
        agentId: '22222222-2222-4222-8222-222222222222',
        type: 'scan' as const,
        params: {},
        issuedAt: t0.toISOString(),
        expiresAt: new Date(t0.getTime() + 7 * 86400_000).toISOString(),
        attempt: 1,
      };
      const byNew = signCommand({ ...fields, keyId: fresh.keyId }, fresh.privateKey);
      const byOld = signCommand({ ...fields, keyId: old.keyId }, old.privateKey);
      const within = ring.verificationKeys(new Date(t0.getTime() + 23 * 3600_000));
      const after = ring.verificationKeys(new Date(t0.getTime() + 25 * 3600_000));
      const check = (m: CommandMessage, keys: Record<string, string>, nowMs: number) =>
        verifyCommand(m, { agentId: fields.agentId, keys, nowMs }).ok;
      assert.equal(check(byNew, within, t0.getTime() + 23 * 3600_000), true);
      assert.equal(check(byOld, within, t0.getTime() + 23 * 3600_000), true);
      assert.equal(check(byNew, after, t0.getTime() + 25 * 3600_000), true);
      assert.equal(check(byOld, after, t0.getTime() + 25 * 3600_000), false);

      // The rotation survives a restart: the file holds both keys.
      const reopened = ServerKeyring.open(dir.path);
      assert.equal(reopened.active().keyId, fresh.keyId);
      assert.deepEqual(Object.keys(reopened.verificationKeys(t0)).sort(), [old.keyId, fresh.keyId].sort());
    } finally {
      dir.remove();
    }
  });
});
