import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { type LogEntry, PluginHost } from '../../../plugins/sdk/index.js';

const EXAMPLE = new URL('./example-plugin.ts', import.meta.url);
const GUIDE = new URL('../../../docs/plugins.md', import.meta.url);

describe('docs/plugins.md: the minimal example plugin', () => {
  it('is the code the guide shows, word for word', () => {
    const guide = readFileSync(GUIDE, 'utf8');
    const block = /<!-- example-plugin:start -->\n+```ts\n([\s\S]*?)```\n+<!-- example-plugin:end -->/.exec(
      guide,
    );
    assert.ok(block, 'docs/plugins.md has no example-plugin block');
    assert.equal(block[1], readFileSync(EXAMPLE, 'utf8'));
  });

  it('loads in the host, detects, scans and logs with its prefix', async () => {
    const logs: LogEntry[] = [];
    const printer = `console.log('nginx 1.22.1 1.22.2'); console.log('not a package line'); console.log('zlib 1.2 1.3')`;
    const host = new PluginHost({
      modules: [{ id: 'example', load: () => import('./example-plugin.js') }],
      accept: ['package-manager'],
      configs: { example: { listCommand: [process.execPath, '-e', printer] } },
      log: (entry) => logs.push(entry),
    });
    const [status] = await host.start();
    assert.equal(status?.state, 'active', status?.message);
    const example = host.packageManager('example')!;

    const detected = await example.detect();
    assert.deepEqual(detected, { ok: true, value: { available: true } });

    const scan = await example.scan();
    assert.ok(scan.ok, !scan.ok ? scan.message : '');
    assert.deepEqual(
      scan.value.packages.map((p) => [p.name, p.currentVersion, p.availableVersion]),
      [
        ['nginx', '1.22.1', '1.22.2'],
        ['zlib', '1.2', '1.3'],
      ],
    );
    assert.equal(scan.value.complete, false);
    assert.deepEqual(scan.value.warnings, ['unreadable line: "not a package line"']);
    assert.deepEqual(
      logs.map((l) => l.message),
      ['[example] 2 update(s) pending'],
    );

    const install = await example.install({ packages: [{ name: 'nginx' }] }, () => {});
    assert.deepEqual(install.ok ? null : [install.reason, install.code], ['error', 'unsupported']);
    await host.stop();
  });

  it('uses its default command when none is configured, and reports it missing', async () => {
    const host = new PluginHost({
      modules: [{ id: 'example', load: () => import('./example-plugin.js') }],
      accept: ['package-manager'],
    });
    await host.start();
    const detected = await host.packageManager('example')!.detect();
    assert.ok(detected.ok);
    assert.equal(detected.value.available, false);
    assert.match(detected.value.reason ?? '', /example-pm could not be started/);
    await host.stop();
  });
});
