import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { startTestCore, type TestCore } from '../../helpers/core.js';
import { describeEachDatabase } from '../../helpers/databases.js';
import {
  type AgentIdentity,
  connectAgent,
  envelope,
  helloMessage,
  publishUp,
  registerSimAgent,
  scanPackage,
} from '../../helpers/sim-agent.js';
import { ApiClient, createTestToken } from '../api/api-client.js';
import { until } from '../../helpers/until.js';

type Caller = ReturnType<ApiClient['bearer']>;

const anotherMachine = () => createHash('sha256').update(randomBytes(16)).digest('hex');
const closed = (client: MqttClient) => new Promise<void>((resolve) => client.once('close', () => resolve()));
const refusalCode = (err: unknown) => (err as { code?: number }).code;

describeEachDatabase('a copied agent identity is refused at connect (issue 21 §5)', (target) => {
  let core: TestCore;
  let operator: Caller;
  let admin: Caller;
  const clients: MqttClient[] = [];
  const connect = async (identity: AgentIdentity) => {
    const client = await connectAgent(core.mqttUrl, identity);
    clients.push(client);
    return client;
  };

  before(async () => {
    core = await startTestCore(target.name);
    const api = new ApiClient(core.httpUrl);
    operator = api.bearer((await createTestToken(core, 'operator')).token);
    admin = api.bearer((await createTestToken(core, 'admin')).token);
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.end(true);
  });
  after(() => core.close());

  async function enrol(hostname: string): Promise<AgentIdentity> {
    const token = await core.createToken(1);
    return (await registerSimAgent(core.httpUrl, token, { hostname })).identity!;
  }

  async function securityEvents(agentId: string, subtype: string) {
    return (await core.db.systemEvents.list({ type: 'security', limit: 1000 })).filter(
      (e) => e.subtype === subtype && e.agentId === agentId,
    );
  }

  /** Connects with the agent's key and says hello from `machineIdHash`. */
  async function helloFrom(identity: AgentIdentity, machineIdHash: string, hostname = 'sim-host') {
    const client = await connect(identity);
    await publishUp(client, identity, 'hello', { ...helloMessage(), hostname, machineIdHash });
    return client;
  }

  /** A connection the core kept: its hello was stored (the version comes from hello only). */
  async function accepted(identity: AgentIdentity, client: MqttClient) {
    await until(
      'hello stored',
      async () => (await core.db.agents.findById(identity.agentId))?.agentVersion === '9.9.9-test',
    );
    assert.ok(client.connected, 'the core closed the connection');
  }

  /** A clone of `genuine` says hello from another machine, then sends a scan right behind it. */
  async function cloneConnects(genuine: AgentIdentity, machine = anotherMachine()) {
    const clone = await connect(genuine);
    const gone = closed(clone);
    await publishUp(clone, genuine, 'hello', {
      ...helloMessage(),
      hostname: 'the-clone',
      machineIdHash: machine,
    });
    const now = new Date().toISOString();
    await publishUp(clone, genuine, 'scan', {
      ...envelope(),
      batchId: randomUUID(),
      plugin: 'apt',
      complete: true,
      startedAt: now,
      finishedAt: now,
      packages: [scanPackage('clone-only-package')],
    }).catch(() => {}); // the core may have closed the connection already
    await gone;
    return machine;
  }

  it('disconnects a hello from another machine, records both hashes, shows it, and refuses every connect until a rebind', async () => {
    const genuine = await enrol('web-1');
    const cloneMachine = await cloneConnects(genuine);

    const [event] = await until('conflict event', async () => {
      const found = await securityEvents(genuine.agentId, 'agent_identity_conflict');
      return found.length ? found : null;
    });
    assert.equal(event!.severity, 'critical');
    assert.ok(event!.message.includes(genuine.machineIdHash.slice(0, 12)), event!.message);
    assert.ok(event!.message.includes(cloneMachine.slice(0, 12)), event!.message);
    assert.ok(!event!.message.includes(cloneMachine), 'the whole hash is not shown');

    const detail = await operator.get(`/api/v1/agents/${genuine.agentId}`);
    assert.equal(detail.status, 200);
    assert.equal(detail.json.identityConflict.kind, 'machine_id_mismatch');
    assert.equal(detail.json.identityConflict.registeredMachine, genuine.machineIdHash.slice(0, 12));
    assert.equal(detail.json.identityConflict.presentedMachine, cloneMachine.slice(0, 12));
    assert.deepEqual(detail.json.identityConflict.addresses, ['127.0.0.1']);
    assert.equal(detail.json.online, false);
    // Nothing the clone sent was stored: not its hello, not the scan behind it.
    assert.notEqual(detail.json.hostname, 'the-clone');
    assert.deepEqual(await core.db.packages.listForAgent(genuine.agentId), []);

    // Refused at authenticate from now on, the genuine host included, until an admin rebinds.
    await assert.rejects(connect(genuine), (err) => refusalCode(err) === 5);
    await until(
      'identity_conflict refusal',
      async () => (await securityEvents(genuine.agentId, 'mqtt_identity_conflict')).length > 0,
    );
    assert.equal((await securityEvents(genuine.agentId, 'agent_identity_conflict')).length, 1);
  });

  it("rebinds (admin only) to the first host that connects next; a clone's hello after that is refused again", async () => {
    const genuine = await enrol('web-2');
    await cloneConnects(genuine);
    await until('conflict', async () => (await core.db.agents.findById(genuine.agentId))?.identityConflict);

    assert.equal((await operator.post(`/api/v1/agents/${genuine.agentId}/rebind`, {})).status, 403);
    const rebind = await admin.post(`/api/v1/agents/${genuine.agentId}/rebind`, {});
    assert.equal(rebind.status, 200, JSON.stringify(rebind.json));
    assert.equal(rebind.json.conflictLifted, true);
    assert.equal(rebind.json.machine, null);
    assert.equal((await operator.get(`/api/v1/agents/${genuine.agentId}`)).json.identityConflict, null);

    const host = await helloFrom(genuine, genuine.machineIdHash);
    await accepted(genuine, host);
    await until(
      'bound event',
      async () => (await securityEvents(genuine.agentId, 'agent_machine_bound')).length > 0,
    );
    host.end(true);

    await cloneConnects(genuine);
    await until(
      'second conflict',
      async () => (await securityEvents(genuine.agentId, 'agent_identity_conflict')).length === 2,
    );
    await assert.rejects(connect(genuine), (err) => refusalCode(err) === 5);
  });

  it('rebinds to a named machine: that host connects, the other is refused; a machine of another agent is refused', async () => {
    const genuine = await enrol('web-3');
    const cloneMachine = await cloneConnects(genuine);
    await until('conflict', async () => (await core.db.agents.findById(genuine.agentId))?.identityConflict);

    const other = await enrol('web-4');
    const taken = await admin.post(`/api/v1/agents/${genuine.agentId}/rebind`, {
      machineIdHash: other.machineIdHash,
    });
    assert.equal(taken.status, 409);
    assert.ok(
      (await core.db.agents.findById(genuine.agentId))?.identityConflict,
      'a refused rebind lifts nothing',
    );

    const rebind = await admin.post(`/api/v1/agents/${genuine.agentId}/rebind`, {
      machineIdHash: cloneMachine,
    });
    assert.equal(rebind.status, 200, JSON.stringify(rebind.json));
    assert.equal(rebind.json.machine, cloneMachine.slice(0, 12));
    const kept = await helloFrom(genuine, cloneMachine);
    await accepted(genuine, kept);
    kept.end(true);
    await until('offline', async () => (await core.db.agents.findById(genuine.agentId))?.online === false);

    const formerHost = await connect(genuine);
    const gone = closed(formerHost);
    await publishUp(formerHost, genuine, 'hello', {
      ...helloMessage(),
      machineIdHash: genuine.machineIdHash,
    });
    await gone;
    const conflict = await until(
      'conflict',
      async () => (await core.db.agents.findById(genuine.agentId))?.identityConflict,
    );
    assert.equal(conflict.registeredMachine, cloneMachine.slice(0, 12));
    assert.equal(conflict.presentedMachine, genuine.machineIdHash.slice(0, 12));
  });

  it("records connections that keep taking over each other's session as the same security event, and refuses them", async () => {
    const twice = await enrol('web-5');
    // Two hosts with one identity (and one machine id): each connect displaces the live one.
    for (let i = 0; i < 6; i++) await connect(twice);
    const [event] = await until('takeover event', async () => {
      const found = await securityEvents(twice.agentId, 'agent_identity_conflict');
      return found.length ? found : null;
    });
    assert.equal(event!.metadata.kind, 'session_takeover');
    assert.equal(event!.metadata.takeovers, 5);
    assert.match(event!.message, /5 connections from 127\.0\.0\.1 took over each other's session/);
    await until('disconnected', async () => clients.every((c) => !c.connected));
    await assert.rejects(connect(twice), (err) => refusalCode(err) === 5);
    assert.equal((await securityEvents(twice.agentId, 'agent_identity_conflict')).length, 1);
    assert.equal(
      (await operator.get(`/api/v1/agents/${twice.agentId}`)).json.identityConflict.kind,
      'session_takeover',
    );
  });

  it('lets an agent reconnect now and then, and say hello without a machine id, without a conflict', async () => {
    const agent = await enrol('web-6');
    for (let i = 0; i < 3; i++) await connect(agent); // two takeovers: a lost connection, not a clone
    const host = await connect(agent);
    await publishUp(host, agent, 'hello', helloMessage());
    await accepted(agent, host);
    assert.equal((await core.db.agents.findById(agent.agentId))?.identityConflict, null);
  });
});
