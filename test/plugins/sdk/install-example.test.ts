import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type HostedPackageManager,
  type InstallProgress,
  PluginHost,
  type Transaction,
} from '../../../plugins/sdk/index.js';

const EXAMPLE = new URL('./install-example-plugin.ts', import.meta.url);
const TOOL = fileURLToPath(new URL('./example-tool.cjs', import.meta.url));
const GUIDE = new URL('../../../docs/plugins.md', import.meta.url);

interface ToolState {
  installed: Record<string, string>;
  available: Record<string, string>;
  held: string[];
  lands?: Record<string, string>;
  broken?: string[];
  calls?: string[];
}

describe('docs/plugins.md: the install example, on runInstallSequence', () => {
  let dir: string;
  let statePath: string;
  let host: PluginHost | undefined;
  let tool: HostedPackageManager;

  const state = (): ToolState => JSON.parse(readFileSync(statePath, 'utf8')) as ToolState;

  async function start(initial: ToolState): Promise<void> {
    writeFileSync(statePath, JSON.stringify(initial));
    host = new PluginHost({
      modules: [{ id: 'example-tool', load: () => import('./install-example-plugin.js') }],
      accept: ['package-manager'],
      configs: { 'example-tool': { tool: [process.execPath, TOOL, statePath] } },
    });
    const [status] = await host.start();
    assert.equal(status?.state, 'active', status?.message);
    tool = host.packageManager('example-tool')!;
  }

  beforeEach(() => {
    host = undefined;
    dir = mkdtempSync(join(tmpdir(), 'redflag-install-example-'));
    statePath = join(dir, 'state.json');
  });
  afterEach(async () => {
    await host?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const pending = (): ToolState => ({
    installed: { curl: '8.5', zlib: '1.2', bash: '5.2' },
    available: { curl: '8.6', zlib: '1.3', bash: '5.2' },
    held: [],
  });

  it('is the code the guide shows, word for word', () => {
    const guide = readFileSync(GUIDE, 'utf8');
    const block = /<!-- install-example:start -->\n+```ts\n([\s\S]*?)```\n+<!-- install-example:end -->/.exec(
      guide,
    );
    assert.ok(block, 'docs/plugins.md has no install-example block');
    assert.equal(block[1], readFileSync(EXAMPLE, 'utf8'));
  });

  it('installs what was confirmed and reports what the inventory says changed', async () => {
    await start(pending());
    const dry = await tool.dryRun({ packages: [{ name: 'curl' }, { name: 'zlib' }] });
    assert.ok(dry.ok, !dry.ok ? dry.message : '');
    const progress: InstallProgress[] = [];
    const outcome = await tool.install(
      { packages: [{ name: 'curl' }, { name: 'zlib' }], expected: dry.value },
      (p) => progress.push(p),
    );
    assert.ok(outcome.ok, !outcome.ok ? outcome.message : '');
    assert.deepEqual(outcome.value, {
      changed: [
        { name: 'curl', fromVersion: '8.5', toVersion: '8.6' },
        { name: 'zlib', fromVersion: '1.2', toVersion: '1.3' },
      ],
      rebootRequired: { required: false, packages: [], reasons: [] },
      warnings: [],
    });
    assert.deepEqual(
      progress.map((p) => p.message),
      ['upgraded curl to 8.6', 'upgraded zlib to 1.3'],
    );
    // held first, then the plan, the inventory before and after the one run that changes anything.
    assert.deepEqual(state().calls, [
      'list',
      'held',
      'list',
      'installed',
      'upgrade -- curl zlib',
      'installed',
    ]);
  });

  it('refuses a held package before any dry run, and changes nothing', async () => {
    await start({ ...pending(), held: ['zlib'] });
    const outcome = await tool.install({ packages: [{ name: 'curl' }, { name: 'zlib' }] }, () => {});
    assert.deepEqual(outcome.ok ? null : [outcome.code, outcome.message], [
      'held',
      'plugin example-tool: install failed: refusing to upgrade held package(s) zlib: run example-tool unhold first',
    ]);
    assert.deepEqual(state().calls, ['held']);
  });

  it('refuses a transaction that changed since it was confirmed, and changes nothing', async () => {
    await start(pending());
    const confirmed: Transaction = {
      upgrades: [{ name: 'curl', fromVersion: '8.5', toVersion: '8.5.1' }],
      newPackages: [],
      removals: [],
      warnings: [],
    };
    const outcome = await tool.install({ packages: [{ name: 'curl' }], expected: confirmed }, () => {});
    assert.deepEqual(outcome.ok ? null : [outcome.code, outcome.message], [
      'transaction-changed',
      'plugin example-tool: install failed: the transaction changed since it was confirmed: + upgrade curl 8.6, - upgrade curl 8.5.1',
    ]);
    assert.deepEqual(state().installed, pending().installed);
  });

  it('without a confirmed transaction, refuses an approved version the tool no longer offers', async () => {
    await start(pending());
    const outcome = await tool.install({ packages: [{ name: 'curl', version: '8.5.1' }] }, () => {});
    assert.deepEqual(outcome.ok ? null : [outcome.code, outcome.message], [
      'version-changed',
      'plugin example-tool: install failed: curl 8.5.1 was approved, but the tool now offers 8.6',
    ]);
    assert.deepEqual(state().installed, pending().installed);
  });

  it('runs nothing when nothing requested is pending', async () => {
    await start(pending());
    const outcome = await tool.install({ packages: [{ name: 'bash' }] }, () => {});
    assert.ok(outcome.ok, !outcome.ok ? outcome.message : '');
    assert.deepEqual(outcome.value.changed, []);
    assert.deepEqual(state().calls, ['held', 'list']);
  });

  it('a failed run is an error that still reads back what changed; a version it did not reach is a warning', async () => {
    await start({ ...pending(), broken: ['zlib'] });
    const failed = await tool.install({ packages: [{ name: 'curl' }, { name: 'zlib' }] }, () => {});
    assert.deepEqual(failed.ok ? null : failed.code, 'install-failed');
    assert.match(failed.ok ? '' : failed.message, /exited with 1: error: zlib failed to unpack/);
    assert.equal(state().installed.curl, '8.6');
    assert.equal(state().calls?.at(-1), 'installed');

    writeFileSync(statePath, JSON.stringify({ ...pending(), lands: { zlib: '1.3-rc' } }));
    const short = await tool.install({ packages: [{ name: 'zlib' }] }, () => {});
    assert.ok(short.ok, !short.ok ? short.message : '');
    assert.deepEqual(short.value.changed, [{ name: 'zlib', fromVersion: '1.2', toVersion: '1.3-rc' }]);
    assert.deepEqual(short.value.warnings, ['zlib is at 1.3-rc after the install, not 1.3']);
  });
});
