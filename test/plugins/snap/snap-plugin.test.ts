import assert from 'node:assert/strict';
import { type HostedPackageManager, type InstallProgress, PluginHost } from '../../../plugins/sdk/index.js';
import { ScriptedRunner } from '../pacman/helpers/scripted-runner.js';
import { snapFixtureLines } from './helpers/fixtures.js';
import { value } from '../sdk/outcome.js';

/**
 * The snap plugin against fixtures: snapd cannot run on these machines (no systemd), so every
 * snap command is answered from test/fixtures/snap, hand-written from snapd's source except
 * `snap version`, which was captured (the README says which is which).
 */
const hosts: PluginHost[] = [];
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.stop();
});

async function snapWith(fake: ScriptedRunner): Promise<HostedPackageManager> {
  const host = new PluginHost({
    modules: [{ id: 'plugins/snap', load: () => import('../../../plugins/snap/index.js') }],
    accept: ['package-manager'],
    configs: { snap: {} },
    runner: fake.runner,
  });
  hosts.push(host);
  const [status] = await host.start();
  assert.equal(status?.state, 'active', status?.message);
  return host.packageManager('snap')!;
}

const fixture = (name: string) => snapFixtureLines(name);

function scripted(): ScriptedRunner {
  return new ScriptedRunner()
    .on(/^snap refresh --list /, { stdout: fixture('refresh-list.stdout') })
    .on(/^snap list /, { stdout: fixture('list.stdout') });
}

describe('snap plugin against fixtures: detect and scan', () => {
  it('detect: snap without a running snapd is not available (captured snap version)', async () => {
    const fake = new ScriptedRunner().on(/^snap version/, {
      stdout: fixture('version-snapd-unavailable.stdout'),
    });
    const detected = value(await (await snapWith(fake)).detect());
    assert.equal(detected.available, false);
    assert.match(detected.reason ?? '', /snapd is not running/);

    const running = new ScriptedRunner().on(/^snap version/, {
      stdout: ['snap    2.61.1', 'snapd   2.61.1', 'series  16', 'ubuntu  24.04', 'kernel  6.8.0-31-generic'],
    });
    assert.deepEqual(value(await (await snapWith(running)).detect()), { available: true, version: '2.61.1' });
  });

  it('scan: refresh --list joined with snap list, plain tables, C locale; held, kernel and channel kept', async () => {
    const fake = scripted();
    const scan = value(await (await snapWith(fake)).scan());
    assert.deepEqual(
      fake.calls.map((c) => [c.command, ...c.args].join(' ')),
      ['snap refresh --list --color=never --unicode=never', 'snap list --color=never --unicode=never'],
    );
    for (const call of fake.calls) assert.equal(call.env.LC_ALL, 'C');
    assert.equal(scan.complete, true);
    assert.deepEqual(scan.warnings, []);
    assert.deepEqual(scan.packages[1], {
      plugin: 'snap',
      name: 'firefox',
      currentVersion: '121.0-1',
      availableVersion: '122.0.1-1',
      severity: 'unknown',
      security: false,
      source: 'latest/stable',
      rebootRequired: false,
      metadata: {
        revision: '3600',
        availableRevision: '3728',
        channel: 'latest/stable',
        publisher: 'mozilla',
        downloadSize: '260MB',
        notes: [],
        held: false,
      },
    });
    const lxd = scan.packages.find((p) => p.name === 'lxd');
    assert.deepEqual(
      [lxd?.currentVersion, lxd?.availableVersion, lxd?.source, lxd?.metadata.held],
      ['5.19-8635f82 (26200)', '5.19-8635f82 (26881)', '5.19/stable', true],
    );
    assert.equal(scan.packages.find((p) => p.name === 'pc-kernel')?.rebootRequired, true);
  });

  it('"All snaps up to date." on stderr with exit 0 is an empty, complete scan', async () => {
    const fake = scripted().on(/^snap refresh --list /, {
      exitCode: 0,
      stderr: fixture('refresh-list-none.stderr'),
    });
    const scan = value(await (await snapWith(fake)).scan());
    assert.deepEqual([scan.packages, scan.complete, scan.warnings], [[], true, []]);
  });

  it('a store error fails the scan; an unreadable row makes it incomplete', async () => {
    const failing = scripted().on(/^snap refresh --list /, {
      exitCode: 1,
      stderr: fixture('refresh-list-store-error.stderr'),
    });
    const outcome = await (await snapWith(failing)).scan();
    assert.equal(!outcome.ok && outcome.code, 'command-failed');
    assert.match(
      !outcome.ok ? outcome.message : '',
      /snap refresh exited with 1: error: cannot list updates/,
    );

    const garbled = scripted().on(/^snap refresh --list /, {
      stdout: [...fixture('refresh-list.stdout'), 'oops'],
    });
    const scan = value(await (await snapWith(garbled)).scan());
    assert.equal(scan.packages.length, 5);
    assert.equal(scan.complete, false);
  });

  it('holds: snaps with held in their notes', async () => {
    assert.deepEqual(value(await (await snapWith(scripted())).holds()), ['lxd']);
  });
});

describe('snap plugin against fixtures: dry run and install', () => {
  it('dry run: the requested refreshes, with warnings for held, current and unknown snaps', async () => {
    const transaction = value(
      await (
        await snapWith(scripted())
      ).dryRun({
        packages: [{ name: 'firefox' }, { name: 'lxd' }, { name: 'snapd' }, { name: 'nope' }],
      }),
    );
    assert.deepEqual(transaction.upgrades, [
      {
        name: 'firefox',
        fromVersion: '121.0-1',
        toVersion: '122.0.1-1',
        source: 'latest/stable',
        security: false,
      },
    ]);
    assert.deepEqual(transaction.warnings, [
      'lxd is held (snap refresh --hold): an install will refuse it until it is unheld',
      'snapd: nothing to refresh (already the newest)',
      'nope: not installed, nothing to refresh',
    ]);
  });

  it('install: snap refresh -- <names>, progress from its result lines, changes read back', async () => {
    const fake = scripted()
      .on(
        /^snap list /,
        { stdout: fixture('list.stdout') },
        { stdout: fixture('list.stdout') },
        { stdout: fixture('list-after.stdout') },
      )
      .on(/^snap refresh --color=never/, { stdout: fixture('refresh.stdout') });
    const snap = await snapWith(fake);
    const progress: InstallProgress[] = [];
    const request = { packages: [{ name: 'firefox' }, { name: 'core22' }] };
    const result = value(await snap.install(request, (p) => progress.push(p)));
    assert.deepEqual(fake.callsTo(/^snap refresh --color/)[0]?.args, [
      'refresh',
      '--color=never',
      '--unicode=never',
      '--',
      'firefox',
      'core22',
    ]);
    assert.deepEqual(result.changed, [
      { name: 'core22', fromVersion: '20231123', toVersion: '20240111' },
      { name: 'firefox', fromVersion: '121.0-1', toVersion: '122.0.1-1' },
    ]);
    assert.deepEqual(result.warnings, []);
    assert.deepEqual(
      progress.map((p) => [p.stage, p.package, p.percent]),
      [
        ['install', 'core22', 50],
        ['install', 'firefox', 100],
      ],
    );
  });

  it('refuses held snaps, names that are not snap names, and a changed transaction', async () => {
    const snap = await snapWith(scripted());
    const held = await snap.install({ packages: [{ name: 'lxd' }] }, () => {});
    assert.equal(!held.ok && held.code, 'held');
    const invalid = await snap.install({ packages: [{ name: '--dangerous' }] }, () => {});
    assert.equal(!invalid.ok && invalid.code, 'invalid-request');
    const fresh = value(await snap.dryRun({ packages: [{ name: 'firefox' }] }));
    const stale = { ...fresh, upgrades: fresh.upgrades.map((u) => ({ ...u, toVersion: '121.5' })) };
    const changed = await snap.install({ packages: [{ name: 'firefox' }], expected: stale }, () => {});
    assert.equal(!changed.ok && changed.code, 'transaction-changed');
  });

  it('reports a failed refresh with snap errors', async () => {
    const fake = scripted().on(/^snap refresh --color=never/, {
      exitCode: 1,
      stderr: ['error: cannot refresh "firefox": snap "firefox" has running apps (firefox)'],
    });
    const outcome = await (await snapWith(fake)).install({ packages: [{ name: 'firefox' }] }, () => {});
    assert.equal(!outcome.ok && outcome.code, 'install-failed');
    assert.match(!outcome.ok ? outcome.message : '', /has running apps/);
  });
});
