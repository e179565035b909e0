import assert from 'node:assert/strict';
import { startTestCore, type TestCore } from '../../helpers/core.js';
import { describeEachDatabase } from '../../helpers/databases.js';
import { type AgentIdentity, registerSimAgent } from '../../helpers/sim-agent.js';
import { ApiClient, createTestToken } from './api-client.js';

/**
 * Issue 22 §1: POST /api/v1/commands checks `params` with the protocol's schema of the type
 * (the one the agent's handler checks) before anything is stored or signed: bad params are a
 * 400 naming the field, not a round trip to the agent.
 */
describeEachDatabase('API commands: params checked before anything is stored', (target) => {
  let core: TestCore;
  let admin: ReturnType<ApiClient['bearer']>;
  let agent: AgentIdentity;

  before(async () => {
    core = await startTestCore(target.name);
    admin = new ApiClient(core.httpUrl).bearer((await createTestToken(core, 'admin')).token);
    agent = (await registerSimAgent(core.httpUrl, await core.createToken(1), { hostname: 'params-1' }))
      .identity!;
  });
  after(() => core.close());

  const commandCount = async () => (await core.db.commands.listForAgent(agent.agentId)).length;

  async function refused(type: string, params: Record<string, unknown>) {
    const before = await commandCount();
    const res = await admin.post('/api/v1/commands', { agentId: agent.agentId, type, params });
    assert.equal(res.status, 400, JSON.stringify(res.json));
    assert.equal(await commandCount(), before, 'no command was created');
    return res.json.error as { code: string; message: string; details: { field?: string } };
  }

  it('refuses a scan whose plugin is not a plugin name, naming /params/plugin', async () => {
    const error = await refused('scan', { plugin: 'Not A Plugin!' });
    assert.equal(error.code, 'invalid_params');
    assert.equal(error.details.field, '/params/plugin');
    assert.match(error.message, /^params\/plugin must match pattern/);
  });

  it('refuses a scan with a field the agent does not know, naming it', async () => {
    const error = await refused('scan', { plugin: 'apt', everything: true });
    assert.equal(error.code, 'invalid_params');
    assert.equal(error.details.field, '/params/everything');
    assert.match(error.message, /unknown field "everything"/);
  });

  it('refuses a dry run without its packages, naming /params/packages', async () => {
    const error = await refused('dry_run', { plugin: 'apt' });
    assert.equal(error.code, 'invalid_params');
    assert.equal(error.details.field, '/params/packages');
    assert.match(error.message, /params\/packages is required/);
  });

  it('refuses a dry run whose package has no name, naming the item', async () => {
    const error = await refused('dry_run', { plugin: 'apt', packages: [{ arch: 'amd64' }] });
    assert.equal(error.details.field, '/params/packages/0/name');
  });

  it('refuses a set_config schedule below the shortest interval, naming it', async () => {
    const error = await refused('set_config', { schedules: { apt: { enabled: true, intervalSeconds: 1 } } });
    assert.equal(error.code, 'invalid_params');
    assert.equal(error.details.field, '/params/schedules/apt/intervalSeconds');
  });

  it('refuses a reboot with a timeout that is not a number of seconds', async () => {
    const error = await refused('reboot', { timeoutSeconds: 'soon' });
    assert.equal(error.details.field, '/params/timeoutSeconds');
  });

  it('refuses install and cancel here (approval and the cancel route issue them) and creates nothing', async () => {
    for (const [type, params] of [
      ['install', { plugin: 'apt', packages: 'all' }],
      ['cancel', { commandId: 'not-a-uuid' }],
    ] as const)
      assert.equal((await refused(type, params)).code, 'validation_failed');
  });

  it('still issues a command whose params fit', async () => {
    const res = await admin.post('/api/v1/commands', {
      agentId: agent.agentId,
      type: 'dry_run',
      params: { plugin: 'apt', packages: [{ name: 'openssl' }] },
    });
    assert.equal(res.status, 201, JSON.stringify(res.json));
    assert.equal(res.json.type, 'dry_run');
    assert.equal(await commandCount(), 1);
  });
});
