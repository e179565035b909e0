import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCheckUpdate } from '../../../plugins/dnf/parse-check-update.js';
import {
  type HostedPackageManager,
  type InstallProgress,
  type LogEntry,
  type PluginEvent,
  PluginHost,
} from '../../../plugins/sdk/index.js';
import { missing } from '../apt/helpers/requirements.js';
import { LocalRpmRepo, must } from './helpers/local-rpm-repo.js';
import { value } from '../sdk/outcome.js';

/** The dnf plugin as the agent would host it, the real dnf and rpm behind it. */
async function startDnf(config: Record<string, unknown>) {
  const events: PluginEvent[] = [];
  const logs: LogEntry[] = [];
  const host = new PluginHost({
    modules: [{ id: 'plugins/dnf', load: () => import('../../../plugins/dnf/index.js') }],
    accept: ['package-manager'],
    configs: { dnf: config },
    onEvent: (e) => events.push(e),
    log: (entry) => logs.push(entry),
  });
  const statuses = await host.start();
  assert.equal(statuses[0]?.state, 'active', JSON.stringify(statuses));
  return { host, dnf: host.packageManager('dnf')!, events, logs };
}

/**
 * Skips on a developer machine without the tools, fails in CI (CI=true): a test that silently
 * skips there would prove nothing. dnf-plugins-core brings versionlock and needs-restarting.
 */
function requireDnfOrSkip(context: Mocha.Context): void {
  const absent = missing({
    commands: ['dnf', 'rpm', 'rpmbuild', 'createrepo_c', 'modifyrepo_c'],
    root: true,
  });
  for (const plugin of ['versionlock', 'needs-restarting'])
    if (absent.length === 0 && spawnSync('dnf', [plugin, '--help'], { stdio: 'ignore' }).status !== 0)
      absent.push(`dnf ${plugin} (dnf-plugins-core)`);
  if (absent.length === 0) return;
  const hint =
    'install the Debian packages dnf, dnf-plugins-core, rpm and createrepo-c, and run the tests as root';
  if (process.env.CI === 'true') throw new Error(`CI=true but ${absent.join(', ')} missing: ${hint}`);
  context.skip();
}

describe('dnf plugin against a local RPM repository and an --installroot (real dnf 4 and rpm, root)', function () {
  // dnf takes a few hundred ms per command; a cycle runs a dozen of them.
  this.timeout(120_000);
  const repo = new LocalRpmRepo();
  let host: PluginHost;
  let dnf: HostedPackageManager;
  let events: PluginEvent[];
  const config = () => ({ installRoot: repo.installRoot, dnfOptions: repo.dnfOptions() });

  before(async function () {
    requireDnfOrSkip(this);
    const a10 = repo.addPackage({ name: 'rf-test-a', version: '1.0' });
    repo.addPackage({ name: 'rf-test-b', version: '1.0' });
    repo.addPackage({ name: 'rf-test-a', version: '1.1', requires: 'rf-test-b >= 1.0' });
    // The epoch case: 1:2.0 is newer than 3.0 because the epoch was raised.
    const c30 = repo.addPackage({ name: 'rf-test-c', version: '3.0' });
    repo.addPackage({ name: 'rf-test-c', version: '2.0', epoch: 1 });
    repo.addAdvisory({
      id: 'RF-2026-0001',
      type: 'security',
      severity: 'Important',
      packages: [{ name: 'rf-test-a', version: '1.1' }],
    });
    repo.addAdvisory({
      id: 'RF-2026-0002',
      type: 'security',
      severity: 'Low',
      packages: [{ name: 'rf-test-c', version: '2.0', epoch: 1 }],
    });
    repo.index();
    repo.installWithRpm([a10, c30]);
    repo.rebootAfter(['rf-test-b']);
    ({ host, dnf, events } = await startDnf(config()));
  });

  after(async () => {
    await host?.stop();
    repo.remove();
  });

  it('detects dnf and its version', async () => {
    const detected = value(await dnf.detect());
    assert.equal(detected.available, true);
    assert.equal(detected.version, must('dnf', ['--version']).split('\n')[0]);
  });

  it('scans: rf-test-a 1.0-1 → 1.1-1 Important security (high), rf-test-c 3.0-1 → 1:2.0-1 Low security', async () => {
    const scan = value(await dnf.scan());
    assert.deepEqual(scan.warnings, []);
    assert.equal(scan.complete, true);
    assert.deepEqual(scan.packages, [
      {
        plugin: 'dnf',
        name: 'rf-test-a',
        arch: 'noarch',
        currentVersion: '1.0-1',
        availableVersion: '1.1-1',
        severity: 'high',
        source: 'rf-test',
        security: true,
        metadata: { advisories: ['RF-2026-0001'], held: false, tool: 'dnf' },
      },
      {
        plugin: 'dnf',
        name: 'rf-test-c',
        arch: 'noarch',
        currentVersion: '3.0-1',
        availableVersion: '1:2.0-1',
        severity: 'low',
        source: 'rf-test',
        security: true,
        metadata: { advisories: ['RF-2026-0002'], held: false, tool: 'dnf' },
      },
    ]);
  });

  it('check-update (exit 100) lists the same candidates through the check-update parser', () => {
    const result = spawnSync(
      'dnf',
      [`--installroot=${repo.installRoot}`, ...repo.dnfOptions(), 'check-update'],
      { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } },
    );
    assert.equal(result.status, 100, result.stderr);
    const parsed = parseCheckUpdate(result.stdout.split('\n'));
    assert.deepEqual(parsed.warnings, []);
    assert.deepEqual(
      parsed.candidates.map((c) => [c.name, c.arch, c.evr, c.repo]),
      [
        ['rf-test-a', 'noarch', '1.1-1', 'rf-test'],
        ['rf-test-c', 'noarch', '1:2.0-1', 'rf-test'],
      ],
    );
  });

  it('reports no reboot needed before the install (needs-restarting -r exits 0)', async () => {
    assert.deepEqual(value(await dnf.rebootRequired()), { required: false, packages: [], reasons: [] });
  });

  it('dry run: lists rf-test-b as a new dependency, the epoch upgrade, and changes nothing', async () => {
    const transaction = value(
      await dnf.dryRun({ packages: [{ name: 'rf-test-a', version: '1.1-1' }, { name: 'rf-test-c' }] }),
    );
    assert.deepEqual(
      transaction.upgrades.map((u) => [u.name, u.arch, u.fromVersion, u.toVersion, u.source, u.security]),
      [
        ['rf-test-a', 'noarch', '1.0-1', '1.1-1', 'rf-test', true],
        ['rf-test-c', 'noarch', '3.0-1', '1:2.0-1', 'rf-test', true],
      ],
    );
    assert.deepEqual(
      transaction.newPackages.map((p) => [p.name, p.toVersion]),
      [['rf-test-b', '1.0-1']],
    );
    assert.deepEqual(transaction.removals, []);
    assert.deepEqual(transaction.warnings, []);
    assert.equal(repo.installedVersion('rf-test-a'), '1.0-1');
    assert.equal(repo.installedVersion('rf-test-b'), null);
  });

  it('install: upgrades rf-test-a and rf-test-c and installs rf-test-b, with progress; then a reboot is due', async () => {
    const request = { packages: [{ name: 'rf-test-a', version: '1.1-1' }, { name: 'rf-test-c' }] };
    const confirmed = value(await dnf.dryRun(request));
    const progress: InstallProgress[] = [];
    const result = value(await dnf.install({ ...request, expected: confirmed }, (p) => progress.push(p)));
    assert.deepEqual(result.changed.map((c) => [c.name, c.fromVersion, c.toVersion]).sort(), [
      ['rf-test-a', '1.0-1', '1.1-1'],
      ['rf-test-b', undefined, '1.0-1'],
      ['rf-test-c', '3.0-1', '1:2.0-1'],
    ]);
    assert.deepEqual(result.warnings, []);
    assert.equal(repo.installedVersion('rf-test-a'), '1.1-1');
    assert.equal(repo.installedVersion('rf-test-b'), '1.0-1');
    assert.equal(repo.installedVersion('rf-test-c'), '1:2.0-1');
    const steps = progress.filter((p) => p.stage === 'install');
    assert.ok(steps.some((p) => p.package === 'rf-test-a' && p.message.startsWith('Upgrading')));
    assert.ok(steps.some((p) => p.package === 'rf-test-b' && p.message.startsWith('Installing')));
    assert.equal(steps.at(-1)?.percent, 100);
    assert.ok(progress.some((p) => p.stage === 'output' && p.message === 'Complete!'));
    // rf-test-b is in the system's needs-restarting.d list, as kernel or glibc are by default.
    assert.equal(result.rebootRequired.required, true);
    assert.deepEqual(result.rebootRequired.packages, ['rf-test-b']);
  });

  it('rescan: nothing left to upgrade', async () => {
    const scan = value(await dnf.scan());
    assert.deepEqual(scan.packages, []);
    assert.equal(scan.complete, true);
  });

  it('versionlock: the next update shows as held, the dry run warns, the install refuses it', async () => {
    repo.addPackage({ name: 'rf-test-a', version: '1.2', requires: 'rf-test-b >= 1.0' });
    repo.index();
    repo.dnf(['versionlock', 'add', 'rf-test-a']);
    try {
      assert.deepEqual(value(await dnf.holds()), ['rf-test-a']);
      const scan = value(await dnf.scan());
      assert.deepEqual(
        scan.packages.map((p) => [p.name, p.currentVersion, p.availableVersion, p.metadata.held]),
        [['rf-test-a', '1.1-1', '1.2-1', true]],
      );
      const dryRun = value(await dnf.dryRun({ packages: [{ name: 'rf-test-a' }] }));
      assert.deepEqual(dryRun.upgrades, []);
      assert.ok(
        dryRun.warnings.some((w) => w.startsWith('rf-test-a is held (versionlock)')),
        dryRun.warnings.join('\n'),
      );
      const refused = await dnf.install({ packages: [{ name: 'rf-test-a' }] }, () => {});
      assert.equal(!refused.ok && refused.code, 'held', JSON.stringify(refused));
      assert.equal(repo.installedVersion('rf-test-a'), '1.1-1');
    } finally {
      repo.dnf(['versionlock', 'delete', 'rf-test-a']);
    }
    assert.deepEqual(value(await dnf.holds()), []);
  });

  it('refuses an install whose transaction changed since it was confirmed', async () => {
    const fresh = value(await dnf.dryRun({ packages: [{ name: 'rf-test-a' }] }));
    const stale = { ...fresh, upgrades: fresh.upgrades.map((u) => ({ ...u, toVersion: '1.1.9-1' })) };
    const refused = await dnf.install({ packages: [{ name: 'rf-test-a' }], expected: stale }, () => {});
    assert.equal(!refused.ok && refused.code, 'transaction-changed', JSON.stringify(refused));
    assert.match(
      !refused.ok ? refused.message : '',
      /\+ upgrade rf-test-a:noarch 1\.2-1.*- upgrade rf-test-a:noarch 1\.1\.9-1/,
    );
    assert.equal(repo.installedVersion('rf-test-a'), '1.1-1');
    assert.ok(events.some((e) => e.subtype === 'operation-failed'));
    assert.equal(host.list()[0]?.state, 'active');
  });

  it('without the versionlock and needs-restarting plugins: no holds, no reboot, logged at debug', async () => {
    const bare = await startDnf({
      ...config(),
      dnfOptions: repo.dnfOptions(['--disableplugin=versionlock,needs-restarting']),
    });
    try {
      assert.deepEqual(value(await bare.dnf.holds()), []);
      assert.deepEqual(value(await bare.dnf.rebootRequired()), {
        required: false,
        packages: [],
        reasons: [],
      });
      const debug = bare.logs.filter((l) => l.level === 'debug').map((l) => l.message);
      assert.ok(
        debug.some((m) => m.includes('no versionlock plugin')),
        debug.join('\n'),
      );
      assert.ok(
        debug.some((m) => m.includes('needs-restarting is not installed')),
        debug.join('\n'),
      );
    } finally {
      await bare.host.stop();
    }
  });

  it('a repository whose metadata cannot be loaded makes the scan incomplete, with a warning', async () => {
    writeFileSync(
      join(repo.reposDir, 'broken.repo'),
      `[broken]\nname=Broken\nbaseurl=file://${join(repo.root, 'missing')}\ngpgcheck=0\nskip_if_unavailable=1\n`,
    );
    try {
      const scan = value(await dnf.scan());
      assert.equal(scan.complete, false);
      assert.ok(
        scan.warnings.some(
          (w) => w === 'repositories skipped because their metadata could not be loaded: broken',
        ),
        scan.warnings.join('\n'),
      );
      assert.deepEqual(
        scan.packages.map((p) => [p.name, p.availableVersion]),
        [['rf-test-a', '1.2-1']],
      );
    } finally {
      must('rm', ['-f', join(repo.reposDir, 'broken.repo')]);
    }
  });

  it('installs the next update once nothing holds it', async () => {
    const result = value(await dnf.install({ packages: [{ name: 'rf-test-a' }] }, () => {}));
    assert.deepEqual(
      result.changed.map((c) => [c.name, c.fromVersion, c.toVersion]),
      [['rf-test-a', '1.1-1', '1.2-1']],
    );
    assert.equal(repo.installedVersion('rf-test-a'), '1.2-1');
  });
});
