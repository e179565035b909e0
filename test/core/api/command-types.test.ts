import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { startTestCore, type TestCore } from '../../helpers/core.js';
import { describeEachDatabase } from '../../helpers/databases.js';
import {
  type AgentIdentity,
  connectAgent,
  helloMessage,
  publishUp,
  registerSimAgent,
} from '../../helpers/sim-agent.js';
import { ApiClient, createTestToken } from './api-client.js';
import { until } from '../../helpers/until.js';

/** What the agent of this release runs (agent/executor/handlers): its hello lists these. */
const AGENT_HANDLERS = ['scan', 'dry_run', 'install', 'reboot', 'cancel', 'set_config', 'update_agent'];

/** Issue 21 §7: the API accepts only command types the target agent said it runs. */
describeEachDatabase('API commands: only what the agent runs', (target) => {
  let core: TestCore;
  let operator: ReturnType<ApiClient['bearer']>;
  const clients: MqttClient[] = [];

  before(async () => {
    core = await startTestCore(target.name);
    operator = new ApiClient(core.httpUrl).bearer((await createTestToken(core, 'operator')).token);
  });
  after(async () => {
    for (const c of clients) c.end(true);
    await core.close();
  });

  async function enrolled(hostname: string): Promise<AgentIdentity> {
    return (await registerSimAgent(core.httpUrl, await core.createToken(1), { hostname })).identity!;
  }

  /** Connects (once) and says hello, with `commandTypes` unless null (an older agent); resolves once applied. */
  async function hello(identity: AgentIdentity, commandTypes: string[] | null): Promise<void> {
    let client = clients.find((c) => c.options.clientId === identity.agentId);
    if (!client) clients.push((client = await connectAgent(core.mqttUrl, identity)));
    const hostname = `host-${randomUUID().slice(0, 8)}`;
    await publishUp(client, identity, 'hello', {
      ...helloMessage(),
      hostname,
      ...(commandTypes ? { commandTypes } : {}),
    });
    await until(
      'the hello',
      async () => (await core.db.agents.findById(identity.agentId))?.hostname === hostname,
    );
  }

  const issue = (agentId: string, type: string, params: Record<string, unknown> = {}) =>
    operator.post('/api/v1/commands', { agentId, type, params });

  const commandTypesOf = async (agentId: string) =>
    (await core.db.commands.listForAgent(agentId)).map((c) => c.type);

  it('answers 409 command_type_unsupported for restart_container to an agent whose hello does not list it, and queues nothing', async () => {
    const identity = await enrolled('web-1');
    await hello(identity, AGENT_HANDLERS);
    const refused = await issue(identity.agentId, 'restart_container', { container: 'proxy' });
    assert.equal(refused.status, 409, JSON.stringify(refused.json));
    assert.equal(refused.json.error.code, 'command_type_unsupported');
    assert.match(refused.json.error.message, /does not run restart_container commands/);
    assert.match(refused.json.error.message, new RegExp(identity.agentId));
    assert.deepEqual(refused.json.error.details, {
      agentId: identity.agentId,
      type: 'restart_container',
      runs: AGENT_HANDLERS,
    });
    assert.deepEqual(await commandTypesOf(identity.agentId), [], 'a command row was created');
    const scan = await issue(identity.agentId, 'scan', { plugin: 'apt' });
    assert.equal(scan.status, 201, JSON.stringify(scan.json));
    assert.deepEqual(await commandTypesOf(identity.agentId), ['scan']);
  });

  it("follows the agent's own list: what it lists is accepted, what it leaves out is refused", async () => {
    const identity = await enrolled('box-1');
    await hello(identity, ['scan', 'cancel', 'restart_container']);
    assert.equal((await issue(identity.agentId, 'restart_container', { container: 'proxy' })).status, 201);
    const reboot = await issue(identity.agentId, 'reboot');
    assert.equal(reboot.status, 409);
    assert.equal(reboot.json.error.code, 'command_type_unsupported');
    assert.deepEqual(await commandTypesOf(identity.agentId), ['restart_container']);
  });

  it('takes the v1 baseline for an older hello without the list, and again after a downgrade', async () => {
    const identity = await enrolled('old-1');
    await hello(identity, null);
    assert.equal((await issue(identity.agentId, 'reboot')).status, 201);
    assert.equal((await issue(identity.agentId, 'restart_container', { container: 'proxy' })).status, 409);
    await hello(identity, ['scan', 'cancel', 'restart_container']);
    assert.equal((await issue(identity.agentId, 'restart_container', { container: 'proxy' })).status, 201);
    // The same agent back on an older release: its hello has no list, the baseline applies again.
    await hello(identity, null);
    const refused = await issue(identity.agentId, 'restart_container', { container: 'db' });
    assert.equal(refused.status, 409);
    assert.deepEqual(await commandTypesOf(identity.agentId), ['reboot', 'restart_container']);
  });

  it('queues baseline commands for an agent that has not said hello yet, and refuses the rest', async () => {
    const identity = await enrolled('offline-1');
    const dryRun = await issue(identity.agentId, 'dry_run', { plugin: 'apt', packages: [{ name: 'curl' }] });
    assert.equal(dryRun.status, 201);
    assert.equal(dryRun.json.status, 'pending');
    assert.equal((await issue(identity.agentId, 'restart_container', { container: 'proxy' })).status, 409);
    assert.deepEqual(await commandTypesOf(identity.agentId), ['dry_run']);
  });

  it('refuses a retry of a command the agent no longer runs', async () => {
    const identity = await enrolled('retry-1');
    await hello(identity, ['scan', 'cancel', 'restart_container']);
    const issued = await issue(identity.agentId, 'restart_container', { container: 'proxy' });
    assert.equal((await operator.post(`/api/v1/commands/${issued.json.id}/cancel`)).status, 200);
    await hello(identity, AGENT_HANDLERS);
    const retried = await operator.post(`/api/v1/commands/${issued.json.id}/retry`);
    assert.equal(retried.status, 409);
    assert.equal(retried.json.error.code, 'command_type_unsupported');
    const containers = (await commandTypesOf(identity.agentId)).filter((t) => t === 'restart_container');
    assert.equal(containers.length, 1, 'the retry was queued');
  });
});
