import assert from 'node:assert/strict';
import { PluginError } from '../../../plugins/sdk/index.js';
import { packageManager, pluginModule, startHost } from './helpers.js';

describe('PluginHost: plugin commands and result details (plugin API 1.2)', () => {
  it('lists the command types a package manager runs and runs one, guarded, with a copy of its params', async () => {
    const seen: Record<string, unknown>[] = [];
    const { host } = await startHost([
      pluginModule({
        name: 'engine',
        create: () =>
          packageManager('engine', {
            commands: {
              restart_container: async (params) => {
                seen.push(params);
                params.container = 'changed by the plugin';
                return { message: 'web restarted', data: { state: 'running' } };
              },
            },
          }),
      }),
      pluginModule({ name: 'plain' }),
    ]);
    const engine = host.packageManager('engine')!;
    assert.deepEqual(engine.commandTypes, ['restart_container']);
    assert.deepEqual(host.packageManager('plain')!.commandTypes, []);
    const params = { container: 'web' };
    assert.deepEqual(await engine.command('restart_container', params), {
      ok: true,
      value: { message: 'web restarted', data: { state: 'running' } },
    });
    assert.deepEqual(seen, [{ container: 'changed by the plugin' }]);
    assert.deepEqual(params, { container: 'web' }, "the caller's object is not the plugin's");
    const other = await host.packageManager('plain')!.command('restart_container', params);
    assert.deepEqual([other.ok, !other.ok && other.reason], [false, 'disabled']);
    await host.stop();
  });

  it("passes a PluginError's details to the caller (a failed install's per-container outcomes)", async () => {
    const { host } = await startHost([
      pluginModule({
        name: 'engine',
        create: () =>
          packageManager('engine', {
            install: async () => {
              throw new PluginError('web rolled back: it exited', {
                code: 'update-failed',
                details: { containers: [{ name: 'web', outcome: 'rolled_back' }] },
              });
            },
          }),
      }),
    ]);
    const outcome = await host.packageManager('engine')!.install({ packages: [{ name: 'x' }] }, () => {});
    assert.deepEqual(outcome, {
      ok: false,
      reason: 'error',
      code: 'update-failed',
      message: 'plugin engine: install failed: web rolled back: it exited',
      details: { containers: [{ name: 'web', outcome: 'rolled_back' }] },
    });
    await host.stop();
  });
});
