import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { generateKeyPair, upTopic } from '../../broker/protocol/index.js';
import { adminOperations } from '../../core/api/index.js';
import { startTestCore, type TestCore } from '../helpers/core.js';
import {
  type AgentIdentity,
  connectAgent,
  connectPassword,
  envelope,
  helloMessage,
  listenDown,
  publishUp,
  registerSimAgent,
} from '../helpers/sim-agent.js';
import { until } from '../helpers/until.js';

function refusalCode(err: unknown): number | undefined {
  return (err as { code?: number }).code;
}

describe('embedded broker: authentication, ACL, presence', function () {
  this.timeout(30000);
  let core: TestCore;
  let alice: AgentIdentity;
  let bob: AgentIdentity;
  const clients: MqttClient[] = [];
  const connect = async (...args: Parameters<typeof connectAgent>) => {
    const client = await connectAgent(...args);
    clients.push(client);
    return client;
  };

  before(async () => {
    core = await startTestCore('PGlite');
    const token = await core.createToken(10);
    alice = (await registerSimAgent(core.httpUrl, token, { hostname: 'alice' })).identity!;
    bob = (await registerSimAgent(core.httpUrl, token, { hostname: 'bob' })).identity!;
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.end(true);
  });
  after(() => core.close());

  async function securityEvents(subtype: string) {
    return (await core.db.systemEvents.list({ type: 'security', limit: 1000 })).filter(
      (e) => e.subtype === subtype,
    );
  }

  describe('refuses', () => {
    it('an anonymous connect', async () => {
      await assert.rejects(
        connect(core.mqttUrl, alice, { username: '', password: '' }),
        (err) => refusalCode(err) === 4 || refusalCode(err) === 2,
      );
    });

    it('a wrong password', async () => {
      const stranger = generateKeyPair();
      const forged = connectPassword({ ...alice, privateKey: stranger.privateKey });
      await assert.rejects(
        connect(core.mqttUrl, alice, { password: forged }),
        (err) => refusalCode(err) === 4,
      );
      await until('bad_signature event', async () => (await securityEvents('mqtt_bad_signature')).length > 0);
    });

    it("another agent's id with one's own signature", async () => {
      const password = connectPassword({ ...bob, privateKey: alice.privateKey });
      await assert.rejects(connect(core.mqttUrl, bob, { password }), (err) => refusalCode(err) === 4);
    });

    it('a client id that differs from the username', async () => {
      await assert.rejects(
        connect(core.mqttUrl, alice, { clientId: bob.agentId }),
        (err) => refusalCode(err) === 2,
      );
    });

    it('a replayed password', async () => {
      const password = connectPassword(alice);
      const first = await connect(core.mqttUrl, alice, { password });
      first.end(true);
      await assert.rejects(connect(core.mqttUrl, alice, { password }), (err) => refusalCode(err) === 4);
      await until(
        'replayed_nonce event',
        async () => (await securityEvents('mqtt_replayed_nonce')).length > 0,
      );
    });

    it('a timestamp skewed beyond 300 s', async () => {
      const password = connectPassword(alice, Date.now() - 301_000);
      await assert.rejects(connect(core.mqttUrl, alice, { password }), (err) => refusalCode(err) === 4);
      await until('clock_skew event', async () => (await securityEvents('mqtt_clock_skew')).length > 0);
    });

    it('an unknown agent', async () => {
      const ghost = { ...alice, agentId: '00000000-0000-4000-8000-000000000000' };
      await assert.rejects(connect(core.mqttUrl, ghost), (err) => refusalCode(err) === 5);
    });

    it('a revoked agent, and closes its live connection within a second', async () => {
      const token = await core.createToken(1);
      const carol = (await registerSimAgent(core.httpUrl, token, { hostname: 'carol' })).identity!;
      const client = await connect(core.mqttUrl, carol);
      const closed = new Promise<number>((resolve) => client.once('close', () => resolve(performance.now())));
      await adminOperations.agentRevoke.run(core.manage, {
        params: { id: carol.agentId },
        body: {},
        by: 'test',
      });
      // Counted from the committed revocation: how long the database write takes on a busy
      // machine is not what the issue bounds, the broker's reaction to it is.
      const revokedAt = performance.now();
      const closedAt = await closed;
      assert.ok(closedAt - revokedAt < 1000, `closed ${closedAt - revokedAt} ms after the revocation`);
      await assert.rejects(connect(core.mqttUrl, carol), (err) => refusalCode(err) === 5);
      await until('revoked event', async () => (await securityEvents('mqtt_revoked')).length > 0);
    });
    it("an agent revoked by another core of the cluster (this core's key cache is stale)", async () => {
      const token = await core.createToken(1);
      const dave = (await registerSimAgent(core.httpUrl, token, { hostname: 'dave' })).identity!;
      const first = await connect(core.mqttUrl, dave);
      first.end(true);
      await until('offline', async () => (await core.db.agents.findById(dave.agentId))?.online === false);
      // Straight in the database, as another core would: this core's cache still says active.
      assert.ok(await core.db.agents.revoke(dave.agentId));
      const client = await connectAgent(core.mqttUrl, dave).catch(() => null);
      if (client) {
        clients.push(client);
        await new Promise<void>((resolve) => client.once('close', () => resolve()));
      }
      assert.equal((await core.db.agents.findById(dave.agentId))?.online, false);
      await assert.rejects(connect(core.mqttUrl, dave), (err) => refusalCode(err) === 5);
    });
  });

  describe('ACL', () => {
    it("refuses a subscription to another agent's down/#, to # and to $SYS", async () => {
      const client = await connect(core.mqttUrl, alice);
      // mqtt.js rejects when the SUBACK refuses a topic; the packet says which.
      const suback = await client
        .subscribeAsync(
          [`rf/v1/agents/${bob.agentId}/down/#`, '#', '$SYS/#', `rf/v1/agents/${alice.agentId}/up/#`],
          { qos: 1 },
        )
        .then(
          () => assert.fail('the broker granted a forbidden subscription'),
          (err: { packet?: { granted: number[] } }) => err.packet,
        );
      assert.deepEqual(suback?.granted, [128, 128, 128, 128]);
      const own = await client.subscribeAsync(`rf/v1/agents/${alice.agentId}/down/#`, { qos: 1 });
      assert.deepEqual(
        own.map((g) => g.qos),
        [1],
      );
    });

    it("disconnects an agent that publishes to another agent's up topic", async () => {
      const client = await connect(core.mqttUrl, alice);
      const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
      client.publish(upTopic('rf', bob.agentId, 'hello'), JSON.stringify(helloMessage()), { qos: 1 });
      await closed;
      await until(
        'publish_denied event',
        async () => (await securityEvents('mqtt_publish_denied')).length > 0,
      );
    });
  });

  describe('presence and hello', () => {
    it('marks the agent online on connect and offline on disconnect, within 2 s', async () => {
      const client = await connect(core.mqttUrl, bob);
      const t0 = Date.now();
      await until('online', async () => (await core.db.agents.findById(bob.agentId))?.online, 2000);
      assert.ok(Date.now() - t0 < 2000);
      const agent = await core.db.agents.findById(bob.agentId);
      assert.ok(agent?.lastSeenAt);
      assert.equal((agent?.metadata.connection as { address: string }).address, '127.0.0.1');
      client.end(true);
      const t1 = Date.now();
      await until(
        'offline',
        async () => (await core.db.agents.findById(bob.agentId))?.online === false,
        2000,
      );
      assert.ok(Date.now() - t1 < 2000);
    });

    it('takes version, OS and capabilities from hello', async () => {
      const client = await connect(core.mqttUrl, bob);
      await publishUp(client, bob, 'hello', helloMessage());
      const agent = await until('hello applied', async () => {
        const a = await core.db.agents.findById(bob.agentId);
        return a?.agentVersion === '9.9.9-test' && a;
      });
      assert.equal(agent.os, 'Debian GNU/Linux 12');
      assert.deepEqual(agent.capabilities, [{ name: 'apt', version: '1.0.0', kind: 'package-manager' }]);
    });
  });

  describe('message intake', () => {
    it('stores an agent event once, answers with a receipt after the commit, and a duplicate as such', async () => {
      const client = await connect(core.mqttUrl, alice);
      const down = await listenDown(client, alice);
      const event = {
        ...envelope(),
        type: 'migration',
        subtype: 'config',
        severity: 'info',
        message: 'config v1 → v2',
      };
      await publishUp(client, alice, 'event', event);
      const receipt = await down.waitFor((m) => m.type === 'receipt' && m.payload.ackOf === event.id);
      assert.equal(receipt.payload.status, 'stored');
      const stored = (await core.db.systemEvents.list({ agentId: alice.agentId })).filter(
        (e) => e.type === 'migration',
      );
      assert.equal(stored.length, 1);
      await publishUp(client, alice, 'event', event);
      const second = await down.waitFor(
        (m) => m.type === 'receipt' && m.payload.ackOf === event.id && m.payload.status === 'duplicate',
      );
      assert.ok(second);
      assert.equal(
        (await core.db.systemEvents.list({ agentId: alice.agentId })).filter((e) => e.type === 'migration')
          .length,
        1,
      );
    });

    it('ingests a scan, answering with a receipt only after the commit, and a re-sent batch as a duplicate', async () => {
      const client = await connect(core.mqttUrl, bob);
      const down = await listenDown(client, bob);
      const now = new Date().toISOString();
      const scan = {
        ...envelope(),
        batchId: randomUUID(),
        plugin: 'apt',
        complete: true,
        startedAt: now,
        finishedAt: now,
        packages: [
          {
            plugin: 'apt',
            name: 'openssl',
            arch: 'amd64',
            currentVersion: '3.0.15-1~deb12u1',
            availableVersion: '3.0.17-1~deb12u2',
            severity: 'high',
            source: 'bookworm-security',
            security: true,
            metadata: {},
          },
        ],
      };
      await publishUp(client, bob, 'scan', scan);
      const receipt = await down.waitFor((m) => m.type === 'receipt' && m.payload.ackOf === scan.id);
      assert.equal(receipt.payload.status, 'stored');
      // The receipt came after the commit: the state is already there.
      const state = await core.db.packages.listForAgent(bob.agentId);
      assert.deepEqual(
        state.map((p) => [p.name, p.availableVersion, p.security, p.status]),
        [['openssl', '3.0.17-1~deb12u2', true, 'pending']],
      );
      const resent = { ...scan, id: randomUUID() };
      await publishUp(client, bob, 'scan', resent);
      const second = await down.waitFor((m) => m.type === 'receipt' && m.payload.ackOf === resent.id);
      assert.equal(second.payload.status, 'duplicate');
    });

    it('rejects 1,000 bad payloads, stays up, and still processes a valid message afterwards', async () => {
      const client = await connect(core.mqttUrl, alice);
      const down = await listenDown(client, alice);
      const bad = generateBadPayloads(1000);
      for (const { type, payload } of bad) {
        client.publish(upTopic('rf', alice.agentId, type), payload, { qos: 0 });
      }
      const good = { ...envelope(), type: 'after-flood', severity: 'info', message: 'still here' };
      await publishUp(client, alice, 'event', good);
      await down.waitFor((m) => m.type === 'receipt' && m.payload.ackOf === good.id, 20000);
      const events = await core.db.systemEvents.list({ limit: 1000 });
      const rejected = events.filter((e) => e.subtype === 'message_rejected');
      const recorded = rejected.filter((e) => !('suppressed' in e.metadata)).length;
      assert.ok(recorded >= 1 && recorded <= core.config.security.refusalEventsPerMinute);
      assert.equal((await fetch(`${core.httpUrl}/healthz`)).status, 200);
      // Every bad one was rejected: none of them reached the events table as an agent event.
      assert.equal(
        events.filter((e) => e.component === 'agent' && e.type !== 'migration' && e.type !== 'after-flood')
          .length,
        0,
      );
    });
  });
});

/** Malformed JSON, wrong types, oversized payloads, unknown fields, valid JSON of another type. */
function generateBadPayloads(
  count: number,
): Array<{ type: 'hello' | 'event' | 'scan' | 'ack' | 'result'; payload: string | Buffer }> {
  const out: Array<{ type: 'hello' | 'event' | 'scan' | 'ack' | 'result'; payload: string | Buffer }> = [];
  const valid = { ...envelope(), type: 'x', severity: 'info', message: 'ok' };
  for (let i = 0; i < count; i++) {
    switch (i % 6) {
      case 0:
        out.push({ type: 'event', payload: `{"v":1,"id":"${i}"` }); // truncated JSON
        break;
      case 1:
        out.push({ type: 'event', payload: JSON.stringify({ ...valid, severity: 42 }) });
        break;
      case 2:
        out.push({ type: 'event', payload: JSON.stringify({ ...valid, surprise: i }) });
        break;
      case 3:
        out.push({ type: 'scan', payload: JSON.stringify(helloMessage()) }); // right JSON, wrong type
        break;
      case 4:
        out.push({ type: 'hello', payload: Buffer.alloc(70 * 1024, 'a') }); // over hello's size limit
        break;
      default:
        out.push({ type: 'ack', payload: Buffer.from([0xff, 0xfe, 0x00, i % 256]) });
    }
  }
  return out;
}
