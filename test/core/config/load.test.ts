import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../../core/config/index.js';
import { tempDir } from '../../helpers/cli.js';

describe('core/config loadConfig', () => {
  const dir = tempDir();
  after(() => dir.remove());
  const noAddon = join(dir.path, 'no-options.json');

  function file(name: string, text: string): string {
    const path = join(dir.path, name);
    writeFileSync(path, text);
    return path;
  }

  function errorOf(fn: () => unknown): ConfigError {
    try {
      fn();
    } catch (err) {
      assert.ok(err instanceof ConfigError, `expected ConfigError, got ${err}`);
      return err;
    }
    assert.fail('expected a ConfigError');
  }

  it('fills every default when nothing is configured', () => {
    const { config } = loadConfig({ configPath: file('empty.yaml', ''), env: {}, addonOptionsPath: noAddon });
    assert.deepEqual(config, {
      dataDir: './data',
      http: { host: '0.0.0.0', port: 8080, publicUrl: null, corsOrigins: [] },
      broker: {
        host: '0.0.0.0',
        port: 1884,
        publicUrl: null,
        topicPrefix: 'rf',
        maxClockSkewSec: 300,
        tls: { port: null, cert: null, key: null },
        websocket: { port: null },
      },
      security: { keyRotationOverlapHours: 168, refusalEventsPerMinute: 30 },
      auth: {
        sessionHours: 168,
        maxFailures: 10,
        failureWindowMinutes: 15,
        ingress: { enabled: false, trustedProxy: '172.30.32.2', role: 'viewer' },
      },
      commands: {
        waitHours: 24,
        timeoutSeconds: { default: 3600, scan: 1800, dry_run: 900, install: 7200, reboot: 900 },
        outputMaxLines: 5000,
        outputMaxKiB: 1024,
      },
      live: { bufferSize: 10000, heartbeatSeconds: 30, maxQueuedKiB: 1024, sessionCheckSeconds: 60 },
      database: {
        url: null,
        schema: 'public',
        poolMax: 10,
        connectTimeoutMs: 10000,
        queryTimeoutMs: 15000,
        pglite: { settings: {}, optimizeWasm: false },
      },
      log: { level: 'info', format: 'auto' },
      shutdown: { timeoutMs: 10000 },
      localAgent: { enabled: false },
      agentBundle: { path: null },
      plugins: { enabled: [], directory: null, config: {}, secrets: {} },
    });
  });

  it('reads plugin secrets and the enabled plugins from the environment as JSON (issue 22 §4)', () => {
    const { config } = loadConfig({
      configPath: file(
        'plugins.yaml',
        'plugins:\n  config:\n    proxmox:\n      url: https://pve.lan:8006\n',
      ),
      env: {
        REDFLAG_PLUGINS_ENABLED: '["proxmox"]',
        REDFLAG_PLUGINS_SECRETS: '{"proxmox":{"tokenSecret":"s3cr3t-value"}}',
      },
      addonOptionsPath: noAddon,
    });
    assert.deepEqual(config.plugins, {
      enabled: ['proxmox'],
      directory: null,
      config: { proxmox: { url: 'https://pve.lan:8006' } },
      secrets: { proxmox: { tokenSecret: 's3cr3t-value' } },
    });
  });

  it('layers config.yaml, add-on options, environment and flags in that order', () => {
    const configPath = file('layers.yaml', 'http:\n  port: 9000\n  host: 127.0.0.1\nlog:\n  level: debug\n');
    // discovery and allow_install are the add-on start script's (addon/rootfs), not config keys.
    const addon = file(
      'options.json',
      JSON.stringify({ log_level: 'warn', database_url: '', discovery: true, allow_install: false }),
    );
    const { config, origins } = loadConfig({
      configPath,
      addonOptionsPath: addon,
      env: {
        REDFLAG_HTTP_PORT: '9100',
        REDFLAG_TEST_PG_URL: 'postgres://ignored',
        REDFLAG_DATA_DIR: '/srv/rf',
      },
      flags: [{ path: 'dataDir', value: '/flag/dir', flag: '--data-dir' }],
    });
    assert.equal(config.http.host, '127.0.0.1');
    assert.equal(config.http.port, 9100);
    assert.equal(config.log.level, 'warn');
    assert.equal(config.database.url, null);
    assert.equal(config.dataDir, '/flag/dir');
    assert.equal(origins.get('http.port'), 'REDFLAG_HTTP_PORT');
    assert.equal(origins.get('log.level'), addon);
  });

  it('names the file, the key, the rule and the value of a bad setting', () => {
    const configPath = file('config.yaml', 'http:\n  port: abc\n');
    const err = errorOf(() => loadConfig({ configPath, env: {}, addonOptionsPath: noAddon }));
    assert.equal(err.message, 'config.yaml: http.port must be an integer from 1 to 65535, got "abc"');
    assert.equal(err.exitCode, 2);
  });

  it('names the environment variable when the bad value came from it', () => {
    const err = errorOf(() =>
      loadConfig({
        configPath: file('ok.yaml', ''),
        env: { REDFLAG_HTTP_PORT: '70000' },
        addonOptionsPath: noAddon,
      }),
    );
    assert.equal(err.message, 'REDFLAG_HTTP_PORT: http.port must be an integer from 1 to 65535, got 70000');
  });

  it('refuses unknown keys and lists the known ones', () => {
    const configPath = file('typo.yaml', 'http:\n  prot: 8080\n');
    const err = errorOf(() => loadConfig({ configPath, env: {}, addonOptionsPath: noAddon }));
    assert.equal(
      err.message,
      'typo.yaml: http.prot is not a known setting (known under http: host, port, publicUrl, corsOrigins)',
    );
  });

  it('takes log.format from the file or REDFLAG_LOG_FORMAT and refuses a format it does not know', () => {
    const fromFile = loadConfig({
      configPath: file('pretty.yaml', 'log:\n  format: pretty\n'),
      env: {},
      addonOptionsPath: noAddon,
    });
    assert.equal(fromFile.config.log.format, 'pretty');
    const fromEnv = loadConfig({
      configPath: file('pretty.yaml', 'log:\n  format: pretty\n'),
      env: { REDFLAG_LOG_FORMAT: 'json' },
      addonOptionsPath: noAddon,
    });
    assert.equal(fromEnv.config.log.format, 'json');
    const bad = errorOf(() =>
      loadConfig({
        configPath: file('ok.yaml', ''),
        env: { REDFLAG_LOG_FORMAT: 'colour' },
        addonOptionsPath: noAddon,
      }),
    );
    assert.equal(
      bad.message,
      'REDFLAG_LOG_FORMAT: log.format must be one of "auto", "pretty", "json", got "colour"',
    );
  });

  it('explains enum and URL rules', () => {
    const level = errorOf(() =>
      loadConfig({
        configPath: file('lvl.yaml', 'log:\n  level: loud\n'),
        env: {},
        addonOptionsPath: noAddon,
      }),
    );
    assert.match(level.message, /^lvl\.yaml: log\.level must be one of "fatal", .*"silent", got "loud"$/);
    const url = errorOf(() =>
      loadConfig({
        configPath: file('url.yaml', 'database:\n  url: mysql://x\n'),
        env: {},
        addonOptionsPath: noAddon,
      }),
    );
    assert.equal(
      url.message,
      'url.yaml: database.url must be a string matching ^postgres(ql)?://, or unset, got "mysql://x"',
    );
  });

  it("takes the embedded database's PostgreSQL settings as a mapping (a JSON object in the environment)", () => {
    const { config } = loadConfig({
      configPath: file('pglite.yaml', 'database:\n  pglite:\n    settings: { work_mem: 8MB }\n'),
      env: { REDFLAG_DATABASE_PGLITE_OPTIMIZE_WASM: 'true' },
      addonOptionsPath: noAddon,
    });
    assert.deepEqual(config.database.pglite, { settings: { work_mem: '8MB' }, optimizeWasm: true });
    const fromEnv = loadConfig({
      configPath: file('none.yaml', ''),
      env: { REDFLAG_DATABASE_PGLITE_SETTINGS: '{"shared_buffers":"64MB"}' },
      addonOptionsPath: noAddon,
    });
    assert.deepEqual(fromEnv.config.database.pglite.settings, { shared_buffers: '64MB' });
    const bad = errorOf(() =>
      loadConfig({
        configPath: file('none.yaml', ''),
        env: { REDFLAG_DATABASE_PGLITE_SETTINGS: '{"shared_buffers; drop":"1"}' },
        addonOptionsPath: noAddon,
      }),
    );
    assert.match(bad.message, /^REDFLAG_DATABASE_PGLITE_SETTINGS: database\.pglite\.settings/);
  });

  it('takes CORS origins as a list (a JSON list in the environment) and refuses one that is not an origin', () => {
    const fromFile = loadConfig({
      configPath: file(
        'cors.yaml',
        'http:\n  corsOrigins: [https://homepage.lan, http://192.168.1.5:3000]\n',
      ),
      env: {},
      addonOptionsPath: noAddon,
    });
    assert.deepEqual(fromFile.config.http.corsOrigins, ['https://homepage.lan', 'http://192.168.1.5:3000']);
    const fromEnv = loadConfig({
      configPath: file('none.yaml', ''),
      env: { REDFLAG_HTTP_CORS_ORIGINS: '["https://dashy.lan"]' },
      addonOptionsPath: noAddon,
    });
    assert.deepEqual(fromEnv.config.http.corsOrigins, ['https://dashy.lan']);
    const withPath = errorOf(() =>
      loadConfig({
        configPath: file(
          'cors-bad.yaml',
          'http:\n  corsOrigins: [https://homepage.lan, https://dash.lan/card]\n',
        ),
        env: {},
        addonOptionsPath: noAddon,
      }),
    );
    assert.equal(
      withPath.message,
      'cors-bad.yaml: http.corsOrigins.1 must be a string matching ^https?://[^/?#\\s]+$, got "https://dash.lan/card"',
    );
    const notAList = errorOf(() =>
      loadConfig({
        configPath: file('none2.yaml', ''),
        env: { REDFLAG_HTTP_CORS_ORIGINS: 'https://dashy.lan' },
        addonOptionsPath: noAddon,
      }),
    );
    assert.match(
      notAList.message,
      /^REDFLAG_HTTP_CORS_ORIGINS: http\.corsOrigins must be a list of at most 100, each a string/,
    );
  });

  it('reports YAML syntax errors with their position', () => {
    const err = errorOf(() =>
      loadConfig({
        configPath: file('broken.yaml', 'http:\n  port: [1,\n'),
        env: {},
        addonOptionsPath: noAddon,
      }),
    );
    assert.match(err.message, /^broken\.yaml: line \d+, column \d+: /);
    assert.equal(err.message.includes('\n'), false);
  });

  it('refuses a section given as a scalar', () => {
    const err = errorOf(() =>
      loadConfig({ configPath: file('scalar.yaml', 'http: 8080\n'), env: {}, addonOptionsPath: noAddon }),
    );
    assert.equal(err.message, 'scalar.yaml: http must be a mapping of settings, got 8080');
  });

  it('fails clearly when an explicitly named config file is missing', () => {
    const err = errorOf(() =>
      loadConfig({ configPath: join(dir.path, 'nope.yaml'), env: {}, addonOptionsPath: noAddon }),
    );
    assert.match(err.message, /nope\.yaml: cannot read the configuration file \(ENOENT\)/);
  });

  it('reads a broken add-on options file as a configuration error', () => {
    const addon = file('bad-options.json', '{not json');
    const err = errorOf(() =>
      loadConfig({ configPath: file('e.yaml', ''), env: {}, addonOptionsPath: addon }),
    );
    assert.match(err.message, /bad-options\.json: not valid JSON/);
  });
});
