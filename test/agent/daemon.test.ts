import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BUILTIN_AGENT_PLUGINS } from '../../agent/plugins.js';
import { requireOrSkip } from '../plugins/apt/helpers/requirements.js';
import { ApiClient, createTestToken } from '../core/api/api-client.js';
import type { TestCore } from '../helpers/core.js';
import { nextEvent, until } from './helpers/agent-fixture.js';
import { realCoreSuite } from './helpers/real-core-suite.js';
import type { RestartableCore } from './helpers/restartable-core.js';
import { testPackageManager } from './helpers/test-plugin.js';

describe('agent daemon with the real core', function () {
  this.timeout(60_000);
  const suite = realCoreSuite('rf-agent-');
  let core: RestartableCore;
  const { enrol } = suite;
  before(() => (core = suite.core));

  it('connects with its signed password, says hello and is online at the core', async () => {
    const files = await enrol();
    const { entry } = testPackageManager();
    const agent = await suite.start(files, [entry]);
    await nextEvent(agent.events, 'online');
    const row = await until('the core to record the hello', async () => {
      const a = await core.core.db.agents.findById(files.agentId);
      return a?.online && a.capabilities.length ? a : null;
    });
    // The hello validated against the core's schema and was applied: capabilities come only from it.
    assert.deepEqual(row.capabilities, [{ name: 'testpm', version: '1.0.0', kind: 'package-manager' }]);
    assert.equal(
      row.agentVersion,
      JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version,
    );
  });

  it('registers, connects and scans this machine with the real apt plugin; the core receives the scan', async function () {
    requireOrSkip(
      this,
      { commands: ['apt', 'apt-get', 'apt-mark', 'dpkg-query'] },
      'the real scan needs apt',
    );
    // No index refresh: the scan reads the lists on disk, so it needs no network.
    const files = await enrol({ plugins: { apt: { updateBeforeScan: false } } });
    const agent = await suite.start(files, BUILTIN_AGENT_PLUGINS, {
      scheduler: { enabled: true, startupSpreadMs: 0 },
    });
    assert.ok(agent.plugins.available().includes('apt'), JSON.stringify(agent.plugins.list()));
    const [run] = await nextEvent(agent.events, 'scan', (r) => r.message.plugin === 'apt', 45_000);
    assert.equal(run.message.error, undefined, run.message.error);
    assert.equal(run.message.complete, true, run.warnings.join('\n'));
    assert.ok(run.message.packages.every((p) => p.plugin === 'apt' && p.name && p.availableVersion));
    const [receipt] = await nextEvent(agent.events, 'receipt', (r) => r.ackOf === run.message.id, 20_000);
    assert.equal(receipt.type, 'scan');
    assert.equal(receipt.status, 'stored');
    assert.equal(agent.spool.has(run.message.id), false, 'the scan left the spool on its receipt');
    // What a user sees: the packages, as the agent found them, in the core's API.
    const viewer = new ApiClient(core.httpUrl).bearer(
      (await createTestToken(core.core as unknown as TestCore, 'viewer')).token,
    );
    const listed = await viewer.get(`/api/v1/updates?agent=${files.agentId}&plugin=apt&limit=1000`);
    assert.equal(listed.status, 200, JSON.stringify(listed.json));
    const key = (p: { name: string; arch?: string | null; availableVersion: string }) =>
      `${p.name}:${p.arch ?? ''}=${p.availableVersion}`;
    assert.deepEqual(
      (listed.json.items as Array<{ name: string; arch: string | null; availableVersion: string }>)
        .map(key)
        .sort(),
      run.message.packages.map(key).sort(),
    );
  });
});
