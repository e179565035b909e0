import assert from 'node:assert/strict';
import { BUILTIN_AGENT_PLUGINS } from '../../agent/plugins.js';
import { PluginHost } from '../../plugins/sdk/index.js';

describe('agent/plugins.ts: built-in agent plugins', () => {
  it('all load in the plugin host with their default config, as package managers', async () => {
    const host = new PluginHost({ modules: BUILTIN_AGENT_PLUGINS, accept: ['package-manager'] });
    const statuses = await host.start();
    assert.deepEqual(
      statuses.map((s) => [s.id, s.state, s.kind, s.message]),
      BUILTIN_AGENT_PLUGINS.map((m) => [m.id, 'active', 'package-manager', undefined]),
    );
    assert.ok(host.packageManager('apt'), 'apt is built in');
    await host.stop();
  });
});
