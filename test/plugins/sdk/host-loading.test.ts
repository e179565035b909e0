import assert from 'node:assert/strict';
import { definePlugin, type LogEntry, PLUGIN_API_VERSION } from '../../../plugins/sdk/index.js';
import { packageManager, pluginModule, startHost } from './helpers.js';

describe('PluginHost: loading plugins', () => {
  it('loads a plugin, reports it, and fills its config defaults', async () => {
    let seen: unknown;
    const { host, events } = await startHost(
      [
        pluginModule<{ interval: number; mode: string }>({
          name: 'alpha',
          configSchema: {
            type: 'object',
            additionalProperties: false,
            properties: {
              interval: { type: 'integer', default: 60 },
              mode: { type: 'string', default: 'fast' },
            },
          },
          create: (ctx) => {
            seen = ctx.config;
            return packageManager('alpha');
          },
        }),
      ],
      { configs: { alpha: { mode: 'slow' } } },
    );
    assert.deepEqual(host.list(), [
      {
        id: 'test/alpha',
        name: 'alpha',
        version: '1.0.0',
        kind: 'package-manager',
        state: 'active',
        message: undefined,
      },
    ]);
    assert.deepEqual(seen, { interval: 60, mode: 'slow' });
    assert.ok(Object.isFrozen(seen), 'a plugin cannot change its validated config');
    assert.deepEqual(
      events.map((e) => [e.subtype, e.severity, e.plugin]),
      [['loaded', 'info', 'alpha']],
    );
  });

  it('gives each plugin a logger with its prefix', async () => {
    const logs: LogEntry[] = [];
    const { host } = await startHost(
      [
        pluginModule({
          name: 'alpha',
          create: (ctx) =>
            packageManager('alpha', {
              detect: async () => (ctx.logger.warn('look', { n: 1 }), { available: true }),
            }),
        }),
      ],
      { log: (entry) => logs.push(entry) },
    );
    await host.packageManager('alpha')!.detect();
    assert.deepEqual(logs, [
      { level: 'warn', plugin: 'alpha', message: '[alpha] look', fields: { n: 1, plugin: 'alpha' } },
    ]);
  });

  it('refuses a plugin whose apiVersion does not match, saying what it needs and what is offered', async () => {
    const { host, events } = await startHost([
      pluginModule({ name: 'future', apiVersion: '^2.0.0' }),
      pluginModule({ name: 'alpha' }),
    ]);
    const [future, alpha] = host.list();
    assert.equal(future?.state, 'refused');
    assert.equal(
      future?.message,
      `plugin future: 1.0.0 needs plugin API ^2.0.0, but this RedFlag provides plugin API ${PLUGIN_API_VERSION}; ` +
        'install a release of future made for API 1.x, or a RedFlag that provides ^2.0.0',
    );
    assert.equal(host.packageManager('future'), undefined);
    assert.equal(alpha?.state, 'active', 'the others still load');
    assert.deepEqual(
      events.map((e) => [e.subtype, e.severity, e.plugin]),
      [
        ['refused', 'error', 'future'],
        ['loaded', 'info', 'alpha'],
      ],
    );
  });

  it('checks apiVersion with semver ranges, not string equality', async () => {
    const { host } = await startHost(
      [
        pluginModule({ name: 'tilde', apiVersion: '~1.0' }),
        pluginModule({ name: 'old', apiVersion: '>=0.9 <1.0.0' }),
      ],
      { apiVersion: '1.0.5' },
    );
    assert.deepEqual(
      host.list().map((s) => [s.name, s.state]),
      [
        ['tilde', 'active'],
        ['old', 'refused'],
      ],
    );
  });

  const refusals: Array<[string, () => unknown, RegExp]> = [
    [
      'a module without a definePlugin() export',
      () => ({ default: { name: 'raw', kind: 'package-manager' } }),
      /test\/bad does not export a plugin/,
    ],
    [
      'an invalid name',
      () => ({
        default: definePlugin({
          name: 'Bad Name',
          version: '1.0.0',
          apiVersion: '^1.0.0',
          kind: 'package-manager',
          create: () => packageManager('x'),
        }),
      }),
      /invalid manifest: name must match pattern/,
    ],
    [
      'a version that is not semver',
      () => ({
        default: definePlugin({
          name: 'bad',
          version: 'one',
          apiVersion: '^1.0.0',
          kind: 'package-manager',
          create: () => packageManager('x'),
        }),
      }),
      /version "one" is not a semver version/,
    ],
    [
      'an apiVersion that is not a range',
      () => ({
        default: definePlugin({
          name: 'bad',
          version: '1.0.0',
          apiVersion: 'latest',
          kind: 'package-manager',
          create: () => packageManager('x'),
        }),
      }),
      /apiVersion "latest" is not a semver range/,
    ],
    [
      'a kind that does not run here',
      () => ({
        default: definePlugin({
          name: 'bad',
          version: '1.0.0',
          apiVersion: '^1.0.0',
          kind: 'notifier',
          create: () => ({ notify: async () => {} }),
        }),
      }),
      /it is a notifier plugin; only package-manager plugins run here/,
    ],
  ];
  for (const [what, exported, message] of refusals) {
    it(`refuses ${what} with a clear message`, async () => {
      const { host, events } = await startHost([{ id: 'test/bad', load: async () => exported() }]);
      const [status] = host.list();
      assert.equal(status?.state, 'refused');
      assert.match(status?.message ?? '', message);
      assert.equal(events[0]?.subtype, 'refused');
      assert.match(events[0]?.message ?? '', message);
    });
  }

  it('refuses a second plugin with a name already taken', async () => {
    const first = pluginModule({ name: 'alpha' });
    const { host } = await startHost([first, { ...pluginModule({ name: 'alpha' }), id: 'test/alpha-copy' }]);
    assert.deepEqual(
      host.list().map((s) => s.state),
      ['active', 'refused'],
    );
    assert.match(
      host.list()[1]?.message ?? '',
      /already loaded from test\/alpha \(not loading test\/alpha-copy\)/,
    );
  });

  describe('config validation', () => {
    const schema = {
      type: 'object',
      additionalProperties: false,
      properties: {
        timeoutSeconds: { type: 'integer', minimum: 1, default: 30 },
        mirror: { type: 'string' },
      },
    };
    const load = (config: unknown) =>
      startHost([pluginModule({ name: 'alpha', configSchema: schema })], { configs: { alpha: config } });

    it('refuses a value that breaks a rule, naming the setting, the rule and the value', async () => {
      const { host, events } = await load({ timeoutSeconds: 0 });
      assert.equal(host.list()[0]?.state, 'refused');
      assert.equal(
        host.list()[0]?.message,
        'plugin alpha: invalid config: timeoutSeconds must be >= 1, got 0',
      );
      assert.equal(events[0]?.severity, 'error');
    });

    it('refuses an unknown setting and lists the known ones', async () => {
      const { host } = await load({ mirorr: 'x' });
      assert.equal(
        host.list()[0]?.message,
        'plugin alpha: invalid config: mirorr is not a known setting (known: timeoutSeconds, mirror)',
      );
    });

    it('refuses a config that is not a mapping', async () => {
      const { host } = await load(['x']);
      assert.match(host.list()[0]?.message ?? '', /config must be a mapping of settings/);
    });

    it('leaves the caller config untouched when filling defaults', async () => {
      const given = {};
      await startHost([pluginModule({ name: 'alpha', configSchema: schema })], { configs: { alpha: given } });
      assert.deepEqual(given, {});
    });

    it('refuses config for a plugin that takes none', async () => {
      const { host } = await startHost([pluginModule({ name: 'alpha' })], { configs: { alpha: { x: 1 } } });
      assert.equal(host.list()[0]?.message, 'plugin alpha: it takes no config, but got x');
    });

    it('refuses a plugin whose configSchema is itself invalid', async () => {
      const { host } = await startHost([
        pluginModule({
          name: 'alpha',
          configSchema: { type: 'object', properties: { x: { type: 'integr' } } },
        }),
      ]);
      assert.equal(host.list()[0]?.state, 'refused');
      assert.match(host.list()[0]?.message ?? '', /configSchema is not a valid JSON schema/);
    });
  });

  describe('plugins that fail while loading', () => {
    it('reports a module that throws on import, and loads the rest', async () => {
      const { host, events } = await startHost([
        {
          id: 'test/broken',
          load: async () => {
            throw new SyntaxError('Unexpected token');
          },
        },
        pluginModule({ name: 'alpha' }),
      ]);
      assert.deepEqual(
        host.list().map((s) => [s.id, s.state]),
        [
          ['test/broken', 'failed'],
          ['test/alpha', 'active'],
        ],
      );
      assert.equal(events[0]?.message, 'plugin module test/broken could not be loaded: Unexpected token');
    });

    it('gives up on a module whose import never finishes', async () => {
      const { host } = await startHost(
        [{ id: 'test/stuck', load: () => new Promise(() => {}) }, pluginModule({ name: 'alpha' })],
        { timeouts: { load: 50 } },
      );
      assert.deepEqual(
        host.list().map((s) => s.state),
        ['failed', 'active'],
      );
      assert.match(
        host.list()[0]?.message ?? '',
        /test\/stuck could not be loaded: loading took longer than 50 ms/,
      );
    });

    it('reports a create() that throws, hangs, or returns something that is not a package manager', async () => {
      const { host, events } = await startHost(
        [
          pluginModule({
            name: 'thrower',
            create: () => {
              throw new Error('no database');
            },
          }),
          pluginModule({ name: 'hanger', create: () => new Promise(() => {}) }),
          pluginModule({
            name: 'partial',
            create: () => ({ detect: async () => ({ available: true }) }) as never,
          }),
          pluginModule({ name: 'alpha' }),
        ],
        { timeouts: { create: 50 } },
      );
      assert.deepEqual(
        host.list().map((s) => [s.name, s.state]),
        [
          ['thrower', 'failed'],
          ['hanger', 'failed'],
          ['partial', 'failed'],
          ['alpha', 'active'],
        ],
      );
      const messages = host.list().map((s) => s.message ?? '');
      assert.equal(
        messages[0],
        'plugin thrower: create threw Error: no database; the plugin was not started',
      );
      assert.match(messages[1]!, /plugin hanger: create did not finish within 50 ms and was stopped/);
      assert.match(
        messages[2]!,
        /create\(\) returned an object without scan, dryRun, install, rebootRequired, holds/,
      );
      assert.deepEqual(
        // Plugins are created side by side: events come in the order they finish.
        events
          .filter((e) => e.subtype === 'failed')
          .map((e) => e.plugin)
          .sort(),
        ['hanger', 'partial', 'thrower'],
      );
      assert.equal(host.packageManager('thrower'), undefined);
    });
  });
});
