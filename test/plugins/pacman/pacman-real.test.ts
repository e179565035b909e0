import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { release } from 'node:os';
import { join } from 'node:path';
import { type HostedPackageManager, type InstallProgress, PluginHost } from '../../../plugins/sdk/index.js';
import { requireOrSkip } from '../apt/helpers/requirements.js';
import { PacmanTestRoot } from './helpers/local-repo.js';
import { value } from '../sdk/outcome.js';

const PACMAN_MODULE = { id: 'plugins/pacman', load: () => import('../../../plugins/pacman/index.js') };

/**
 * The real plugin and the real pacman (Debian's pacman-package-manager) against a local sync
 * repository, installing into a temporary root: scan, holds, dry run and install for real.
 */
describe('pacman plugin against a local repository (real pacman, temporary root)', function () {
  const hosts: PluginHost[] = [];
  let t: PacmanTestRoot;
  let pacman: HostedPackageManager;

  async function start(config: Record<string, unknown> = {}): Promise<HostedPackageManager> {
    const host = new PluginHost({
      modules: [PACMAN_MODULE],
      accept: ['package-manager'],
      configs: { pacman: { ...t.pluginConfig(), kernelModulesDir: join(t.dir, 'modules'), ...config } },
    });
    hosts.push(host);
    const [status] = await host.start();
    assert.equal(status?.state, 'active', status?.message);
    return host.packageManager('pacman')!;
  }

  before(async function () {
    requireOrSkip(
      this,
      { commands: ['pacman', 'pacman-conf', 'repo-add', 'bsdtar'], root: true },
      'install pacman-package-manager and libarchive-tools, and run the tests as root (.ci/run)',
    );
    t = new PacmanTestRoot();
    t.pacman(['-U', '--noconfirm', t.buildPackage({ name: 'rf-test-a', version: '1.0-1' })]);
    t.pacman(['-U', '--noconfirm', t.publish({ name: 'rf-test-c', version: '1.0-1' })]);
    t.publish({ name: 'rf-test-b', version: '1.0-1' });
    t.publish({ name: 'rf-test-a', version: '1.1-1', depends: 'rf-test-b>=1.0' });
    pacman = await start();
  });

  after(async () => {
    for (const host of hosts) await host.stop();
    t?.remove();
  });

  it('detects pacman and the packages in the root', async () => {
    const detected = value(await pacman.detect());
    assert.equal(detected.available, true, detected.reason);
    assert.match(detected.version ?? '', /^\d+\.\d+/);
  });

  it('scans: pacman -Sy into the temporary database, then finds rf-test-a 1.0-1 → 1.1-1', async () => {
    const scan = value(await pacman.scan());
    assert.deepEqual(scan.warnings, []);
    assert.equal(scan.complete, true);
    assert.deepEqual(scan.packages, [
      {
        plugin: 'pacman',
        name: 'rf-test-a',
        currentVersion: '1.0-1',
        availableVersion: '1.1-1',
        severity: 'unknown',
        security: false,
        source: 'rftest',
        metadata: { repository: 'rftest', held: false },
      },
    ]);
  });

  it('IgnorePkg: the update shows as held ([ignored]), the install refuses it', async () => {
    t.writeConfig(['rf-test-a']);
    try {
      assert.deepEqual(value(await pacman.holds()), ['rf-test-a']);
      const scan = value(await pacman.scan());
      assert.deepEqual(
        scan.packages.map((p) => [p.name, p.availableVersion, p.metadata.held]),
        [['rf-test-a', '1.1-1', true]],
      );
      const dryRun = value(await pacman.dryRun({ packages: [{ name: 'rf-test-a' }] }));
      assert.deepEqual(dryRun.upgrades, [], 'a system upgrade skips ignored packages');
      assert.match(dryRun.warnings.join('\n'), /rf-test-a is held \(IgnorePkg/);
      const refused = await pacman.install({ packages: [{ name: 'rf-test-a' }] }, () => {});
      assert.equal(!refused.ok && refused.code, 'held', JSON.stringify(refused));
      assert.equal(t.installed('rf-test-a'), '1.0-1');
    } finally {
      t.writeConfig();
    }
  });

  it('dry run (-Sup --print-format): rf-test-a upgrades, rf-test-b is new, nothing changes', async () => {
    const transaction = value(await pacman.dryRun({ packages: [{ name: 'rf-test-a', version: '1.1-1' }] }));
    assert.deepEqual(transaction, {
      upgrades: [
        { name: 'rf-test-a', fromVersion: '1.0-1', toVersion: '1.1-1', source: 'rftest', security: false },
      ],
      newPackages: [{ name: 'rf-test-b', toVersion: '1.0-1', source: 'rftest', security: false }],
      removals: [],
      warnings: [],
    });
    assert.equal(t.installed('rf-test-a'), '1.0-1');
    assert.equal(t.installed('rf-test-b'), null);
  });

  it('install: upgrades rf-test-a and installs rf-test-b in the root, with progress', async () => {
    const request = { packages: [{ name: 'rf-test-a', version: '1.1-1' }] };
    const confirmed = value(await pacman.dryRun(request));
    const progress: InstallProgress[] = [];
    const result = value(await pacman.install({ ...request, expected: confirmed }, (p) => progress.push(p)));
    assert.deepEqual(result.changed.map((c) => [c.name, c.fromVersion, c.toVersion]).sort(), [
      ['rf-test-a', '1.0-1', '1.1-1'],
      ['rf-test-b', undefined, '1.0-1'],
    ]);
    assert.deepEqual(result.warnings, []);
    assert.equal(t.installed('rf-test-a'), '1.1-1');
    assert.equal(t.installed('rf-test-b'), '1.0-1');
    assert.match(t.pacman(['-Q']), /^rf-test-a 1\.1-1\nrf-test-b 1\.0-1\nrf-test-c 1\.0-1\n$/);
    const steps = progress.filter((p) => p.stage === 'install');
    assert.deepEqual(
      steps.map((p) => [p.package, p.percent]),
      [
        ['rf-test-b', 50],
        ['rf-test-a', 100],
      ],
    );
    assert.equal(result.rebootRequired.required, false);
  });

  it('rescan: nothing left to upgrade', async () => {
    const scan = value(await pacman.scan());
    assert.deepEqual(scan.packages, []);
    assert.equal(scan.complete, true);
  });

  it('system scope: refuses to upgrade more than was asked without a confirmed transaction', async () => {
    t.publish({ name: 'rf-test-a', version: '1.2-1', depends: 'rf-test-b>=1.0' });
    t.publish({ name: 'rf-test-c', version: '1.1-1' });
    const dryRun = value(await pacman.dryRun({ packages: [{ name: 'rf-test-a' }] }));
    assert.deepEqual(
      dryRun.upgrades.map((u) => u.name),
      ['rf-test-a', 'rf-test-c'],
    );
    const refused = await pacman.install({ packages: [{ name: 'rf-test-a' }] }, () => {});
    assert.equal(!refused.ok && refused.code, 'unconfirmed-upgrades', JSON.stringify(refused));
    assert.match(!refused.ok ? refused.message : '', /would also upgrade rf-test-c/);
    assert.equal(t.installed('rf-test-a'), '1.1-1');
  });

  it('packages scope: upgrades only the requested package (pacman -S --needed)', async () => {
    const partial = await start({ upgradeScope: 'packages' });
    const dryRun = value(await partial.dryRun({ packages: [{ name: 'rf-test-a' }] }));
    assert.deepEqual(
      [...dryRun.upgrades, ...dryRun.newPackages].map((u) => [u.name, u.toVersion]),
      [['rf-test-a', '1.2-1']],
    );
    const result = value(
      await partial.install({ packages: [{ name: 'rf-test-a' }], expected: dryRun }, () => {}),
    );
    assert.deepEqual(result.changed, [{ name: 'rf-test-a', fromVersion: '1.1-1', toVersion: '1.2-1' }]);
    assert.equal(t.installed('rf-test-c'), '1.0-1');
  });

  it('refuses an install whose transaction changed since it was confirmed', async () => {
    const fresh = value(await pacman.dryRun({ packages: [{ name: 'rf-test-c' }] }));
    const stale = { ...fresh, upgrades: fresh.upgrades.map((u) => ({ ...u, toVersion: '1.0.9-1' })) };
    const refused = await pacman.install({ packages: [{ name: 'rf-test-c' }], expected: stale }, () => {});
    assert.equal(!refused.ok && refused.code, 'transaction-changed', JSON.stringify(refused));
    assert.equal(t.installed('rf-test-c'), '1.0-1');
  });

  it('a busy database lock: the scan warns and goes on; an install gives up naming the lock file', async () => {
    const impatient = await start({ lockTimeoutSeconds: 0 });
    writeFileSync(t.lockFile(), '');
    try {
      const scan = value(await impatient.scan());
      assert.match(scan.warnings.join('\n'), /pacman -Sy failed.*db\.lck exists/);
      assert.deepEqual(
        scan.packages.map((p) => p.name),
        ['rf-test-c'],
      );
      const fresh = value(await impatient.dryRun({ packages: [{ name: 'rf-test-c' }] }));
      const outcome = await impatient.install(
        { packages: [{ name: 'rf-test-c' }], expected: fresh },
        () => {},
      );
      assert.equal(!outcome.ok && outcome.code, 'lock-timeout', JSON.stringify(outcome));
      assert.match(!outcome.ok ? outcome.message : '', /db\.lck exists.*remove the lock file/);
    } finally {
      rmSync(t.lockFile(), { force: true });
    }
    assert.equal(t.installed('rf-test-c'), '1.0-1');
  });

  it('waits for the database lock, reporting it, and installs once it is free', async function () {
    this.timeout(30_000);
    const waiting = await start({ refreshDatabases: false });
    const request = { packages: [{ name: 'rf-test-c' }] };
    const confirmed = value(await waiting.dryRun(request));
    writeFileSync(t.lockFile(), '');
    const progress: InstallProgress[] = [];
    try {
      value(
        await waiting.install({ ...request, expected: confirmed }, (p) => {
          progress.push(p);
          // Let go once the plugin has reported that it waits, as a finishing pacman would.
          if (p.stage === 'waiting') rmSync(t.lockFile(), { force: true });
        }),
      );
    } finally {
      rmSync(t.lockFile(), { force: true });
    }
    assert.ok(progress.some((p) => p.stage === 'waiting' && /db\.lck exists/.test(p.message)));
    assert.equal(t.installed('rf-test-c'), '1.1-1');
  });

  it('reboot: required only when the running kernel has no modules directory left', async () => {
    const modules = join(t.dir, 'modules');
    mkdirSync(join(modules, '0.0.1-arch1-1'), { recursive: true });
    const upgraded = value(await pacman.rebootRequired());
    assert.equal(upgraded.required, true);
    assert.match(
      upgraded.reasons.join(),
      new RegExp(`running kernel ${release().replace(/\./g, '\\.')} has no modules`),
    );
    mkdirSync(join(modules, release()));
    assert.equal(value(await pacman.rebootRequired()).required, false);
  });
});
