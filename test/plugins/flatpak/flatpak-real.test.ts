import assert from 'node:assert/strict';
import { type HostedPackageManager, type InstallProgress, PluginHost } from '../../../plugins/sdk/index.js';
import { requireOrSkip } from '../apt/helpers/requirements.js';
import { FlatpakTestRemote } from './helpers/local-remote.js';
import { value } from '../sdk/outcome.js';

/**
 * The real plugin and the real flatpak (Debian's 1.14) against a local remote, with a system
 * installation in a temporary directory: scan, masks, dry run and update for real.
 */
describe('flatpak plugin against a local remote (real flatpak, temporary installation)', function () {
  let remote: FlatpakTestRemote;
  let host: PluginHost;
  let flatpak: HostedPackageManager;
  let arch: string;
  const app = () => `org.redflag.TestApp/${arch}/stable`;

  before(async function () {
    this.timeout(60_000);
    requireOrSkip(
      this,
      { commands: ['flatpak', 'ostree', 'bwrap'], root: true },
      'install flatpak and ostree, and run the tests as root (.ci/run)',
    );
    remote = new FlatpakTestRemote();
    remote.activate();
    arch = remote.arch();
    remote.exportRuntime('org.redflag.Platform', '1');
    remote.exportApp({
      id: 'org.redflag.TestApp',
      branch: 'stable',
      version: '1.0',
      runtime: `org.redflag.Platform/${arch}/1`,
    });
    remote.publish();
    remote.addRemote('rftest');
    remote.flatpak(['install', '--system', '-y', '--noninteractive', 'rftest', 'org.redflag.TestApp']);
    // The update: a new app version on a new runtime, and a rebuild of the old runtime.
    remote.exportRuntime('org.redflag.Platform2', '1');
    remote.exportRuntime('org.redflag.Platform', '1');
    remote.exportApp({
      id: 'org.redflag.TestApp',
      branch: 'stable',
      version: '1.1',
      runtime: `org.redflag.Platform2/${arch}/1`,
    });
    remote.publish();

    host = new PluginHost({
      modules: [{ id: 'plugins/flatpak', load: () => import('../../../plugins/flatpak/index.js') }],
      accept: ['package-manager'],
      configs: { flatpak: {} },
    });
    const [status] = await host.start();
    assert.equal(status?.state, 'active', status?.message);
    flatpak = host.packageManager('flatpak')!;
  });

  after(async () => {
    await host?.stop();
    remote?.remove();
  });

  it('detects flatpak and its version', async () => {
    assert.match(value(await flatpak.detect()).version ?? '', /^1\.\d+/);
  });

  it('scans: the app by version (1.0 → 1.1), the rebuilt runtime by commit', async () => {
    const scan = value(await flatpak.scan());
    assert.deepEqual(scan.warnings, []);
    assert.equal(scan.complete, true);
    const appRecord = scan.packages.find((p) => p.name === 'org.redflag.TestApp//stable');
    assert.deepEqual(
      [
        appRecord?.arch,
        appRecord?.currentVersion,
        appRecord?.availableVersion,
        appRecord?.source,
        appRecord?.severity,
        appRecord?.security,
      ],
      [arch, '1.0', '1.1', 'rftest', 'unknown', false],
    );
    assert.equal(appRecord?.metadata.held, false);
    assert.equal(appRecord?.metadata.ref, `app/${app()}`);
    const runtime = scan.packages.find((p) => p.name === 'org.redflag.Platform//1');
    assert.match(runtime?.currentVersion ?? '', /^[0-9a-f]{12}$/);
    assert.match(runtime?.availableVersion ?? '', /^[0-9a-f]{12}$/);
    assert.notEqual(runtime?.currentVersion, runtime?.availableVersion);
    assert.equal(scan.packages.length, 2);
  });

  it('flatpak mask: the update shows as held and the install refuses it', async () => {
    remote.flatpak(['mask', '--system', 'org.redflag.TestApp']);
    try {
      assert.deepEqual(value(await flatpak.holds()), ['org.redflag.TestApp']);
      const scan = value(await flatpak.scan());
      assert.equal(scan.packages.find((p) => p.name === 'org.redflag.TestApp//stable')?.metadata.held, true);
      const refused = await flatpak.install(
        { packages: [{ name: 'org.redflag.TestApp//stable' }] },
        () => {},
      );
      assert.equal(!refused.ok && refused.code, 'held', JSON.stringify(refused));
    } finally {
      remote.flatpak(['mask', '--system', '--remove', 'org.redflag.TestApp']);
    }
    assert.equal(remote.installed(app())?.version, '1.0');
  });

  it('dry run: the app upgrade and the new runtime it needs, nothing deployed', async () => {
    const transaction = value(
      await flatpak.dryRun({ packages: [{ name: 'org.redflag.TestApp//stable', arch }] }),
    );
    assert.deepEqual(transaction.warnings, []);
    assert.deepEqual(transaction.upgrades, [
      {
        name: 'org.redflag.TestApp//stable',
        arch,
        source: 'rftest',
        security: false,
        fromVersion: '1.0',
        toVersion: '1.1',
      },
    ]);
    assert.deepEqual(
      transaction.newPackages.map((p) => [p.name, p.arch, p.source]),
      [['org.redflag.Platform2//1', arch, 'rftest']],
    );
    assert.match(transaction.newPackages[0]?.toVersion ?? '', /^[0-9a-f]{12}$/);
    assert.deepEqual(transaction.removals, []);
    assert.equal(remote.installed(app())?.version, '1.0');
    assert.equal(remote.installed(`org.redflag.Platform2/${arch}/1`), null);
  });

  it('install: updates the app and installs the runtime, with progress', async function () {
    this.timeout(60_000);
    const request = { packages: [{ name: 'org.redflag.TestApp//stable', arch, version: '1.1' }] };
    const confirmed = value(await flatpak.dryRun(request));
    const progress: InstallProgress[] = [];
    const result = value(await flatpak.install({ ...request, expected: confirmed }, (p) => progress.push(p)));
    assert.deepEqual(result.warnings, []);
    assert.deepEqual(
      result.changed.map((c) => [c.name, c.fromVersion, c.toVersion?.length]),
      [
        ['org.redflag.Platform2//1', undefined, 12],
        ['org.redflag.TestApp//stable', '1.0', 3],
      ],
    );
    assert.equal(remote.installed(app())?.version, '1.1');
    assert.ok(remote.installed(`org.redflag.Platform2/${arch}/1`));
    assert.deepEqual(
      progress.filter((p) => p.stage === 'install').map((p) => [p.package, p.percent]),
      [
        ['org.redflag.Platform2//1', 50],
        ['org.redflag.TestApp//stable', 100],
      ],
    );
    assert.equal(result.rebootRequired.required, false);
  });

  it('rescan: only the runtime rebuild is left; updating it empties the list', async () => {
    const scan = value(await flatpak.scan());
    assert.deepEqual(
      scan.packages.map((p) => p.name),
      ['org.redflag.Platform//1'],
    );
    const runtime = { packages: [{ name: 'org.redflag.Platform//1' }] };
    value(await flatpak.install({ ...runtime, expected: value(await flatpak.dryRun(runtime)) }, () => {}));
    const after = value(await flatpak.scan());
    assert.deepEqual(after.packages, []);
    assert.equal(after.complete, true);
  });

  it('nothing to update: a dry run and an install that change nothing, and say so', async () => {
    const request = { packages: [{ name: 'org.redflag.TestApp//stable' }] };
    const transaction = value(await flatpak.dryRun(request));
    assert.deepEqual(transaction.upgrades, []);
    assert.deepEqual(transaction.warnings, [
      'org.redflag.TestApp//stable: nothing to update (already the newest)',
    ]);
    const result = value(await flatpak.install(request, () => {}));
    assert.deepEqual(result.changed, []);
  });
});
