import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import {
  type HostedPackageManager,
  type InstallProgress,
  type LogEntry,
  PluginHost,
} from '../../../plugins/sdk/index.js';
import { DpkgLockHolder } from '../apt/helpers/dpkg-lock.js';
import { must } from '../apt/helpers/local-repo.js';
import { PackageKitRepo } from './helpers/local-repo.js';
import { PackageKitDaemon } from './helpers/packagekit-daemon.js';
import { value } from '../sdk/outcome.js';

/**
 * The PackageKit plugin against the real daemon: Debian's packagekitd 1.2.6 with its apt
 * backend and polkitd, on a private bus (helpers/packagekit-daemon.ts), reading a local
 * repository this test builds: rf-pk-a 1.0 → 1.1, which needs the new rf-pk-b and conflicts
 * with the installed rf-pk-c (a removal); rf-pk-e 1.1 is indexed but its file is missing.
 * The plugin talks D-Bus over the bus's real socket; the packages go into this machine's dpkg
 * database and are purged afterwards.
 */
const TEST_PACKAGES = ['rf-pk-a', 'rf-pk-b', 'rf-pk-c', 'rf-pk-e'];
const installedVersion = (name: string) =>
  spawnSync('dpkg-query', ['-W', '-f=${Version}', name], { encoding: 'utf8' }).stdout || undefined;

describe('packagekit plugin against the real packagekitd (apt backend, private bus)', function () {
  this.timeout(180_000);
  const missing = [...PackageKitDaemon.missing(), ...(process.getuid?.() === 0 ? [] : ['root'])];
  const daemon = new PackageKitDaemon();
  let repo: PackageKitRepo;
  const hosts: PluginHost[] = [];
  let a10 = '';
  let c10 = '';
  let e10 = '';

  before(async function () {
    if (missing.length > 0) {
      if (process.env.CI === 'true') throw new Error(`needs ${missing.join(', ')} (see .ci/run)`);
      this.skip();
    }
    repo = new PackageKitRepo();
    a10 = repo.add({ name: 'rf-pk-a', version: '1.0' });
    repo.add({ name: 'rf-pk-a', version: '1.1', fields: ['Depends: rf-pk-b', 'Conflicts: rf-pk-c'] });
    repo.add({ name: 'rf-pk-b', version: '1.0' });
    c10 = repo.add({ name: 'rf-pk-c', version: '1.0' });
    e10 = repo.add({ name: 'rf-pk-e', version: '1.0' });
    const e11 = repo.add({ name: 'rf-pk-e', version: '1.1' });
    repo.index();
    rmSync(e11); // listed in the index, gone from the repository: its download fails
    must('dpkg', ['-i', a10, c10, e10]);
    await daemon.start(repo.aptConfig);
  });

  after(async () => {
    for (const host of hosts.splice(0)) await host.stop();
    await daemon.stop();
    if (!repo) return; // skipped
    spawnSync('dpkg', ['--purge', ...TEST_PACKAGES]);
    repo.remove();
  });

  async function packagekit(
    config: Record<string, unknown> = {},
    logs: LogEntry[] = [],
  ): Promise<HostedPackageManager> {
    const host = new PluginHost({
      modules: [{ id: 'plugins/packagekit', load: () => import('../../../plugins/packagekit/index.js') }],
      accept: ['package-manager'],
      configs: {
        packagekit: { use: 'always', busAddress: daemon.bus.address, rebootRequiredFile: '', ...config },
      },
      log: (entry) => logs.push(entry),
    });
    hosts.push(host);
    const [status] = await host.start();
    assert.equal(status?.state, 'active', status?.message);
    return host.packageManager('packagekit')!;
  }

  it('detect: PackageKit answers; with use: auto it steps aside for apt-get on this host', async () => {
    assert.deepEqual(value(await (await packagekit()).detect()), {
      available: true,
      version: '1.2.6 (apt backend)',
    });
    const auto = value(await (await packagekit({ use: 'auto' })).detect());
    assert.equal(auto.available, false);
    assert.match(auto.reason ?? '', /this host has apt-get, which its own plugin drives/);
    // The other case of `auto`: PackageKit and none of the CLIs (here: a PATH without them).
    const path = process.env.PATH;
    process.env.PATH = daemon.bus.dir;
    try {
      assert.equal(value(await (await packagekit({ use: 'auto' })).detect()).available, true);
    } finally {
      process.env.PATH = path;
    }
    const never = value(await (await packagekit({ use: 'never' })).detect());
    assert.deepEqual(never, { available: false, reason: 'turned off (plugins.packagekit.use: never)' });
    const nobody = value(
      await (await packagekit({ busAddress: `unix:path=${daemon.bus.dir}/nothing` })).detect(),
    );
    assert.equal(nobody.available, false);
    assert.match(nobody.reason ?? '', /PackageKit does not answer on the system bus/);
  });

  for (const pluralSignals of [true, false]) {
    const signal = pluralSignals ? 'Packages' : 'Package';
    it(`scan over ${signal} signals: current and new version, severity from the high bits, security apart`, async () => {
      const logs: LogEntry[] = [];
      const scan = value(await (await packagekit({ pluralSignals }, logs)).scan());
      assert.ok(
        logs.some((l) => l.message.includes(`GetUpdates answered with ${signal} signals`)),
        'signal kind',
      );
      assert.equal(scan.complete, true);
      const byName = new Map(scan.packages.map((p) => [p.name, p]));
      // The apt backend sends info 0x50005: kind normal (low 16 bits), severity normal (high).
      assert.deepEqual(byName.get('rf-pk-a'), {
        plugin: 'packagekit',
        name: 'rf-pk-a',
        arch: 'all',
        currentVersion: '1.0',
        availableVersion: '1.1',
        severity: 'unknown',
        security: false,
        source: 'redflag_test-rf-test-',
        metadata: {
          packageId: 'rf-pk-a;1.1;all;redflag_test-rf-test-',
          kind: 'normal',
          packageKitSeverity: 'normal',
          summary: 'RedFlag PackageKit plugin test package',
        },
      });
      // What upgrading would install or remove is not an update of its own.
      assert.equal(byName.has('rf-pk-b'), false);
      assert.equal(byName.has('rf-pk-c'), false);
    });
  }

  it('dry run: an upgrade, a new dependency and a removal, and nothing changes', async () => {
    const dry = value(await (await packagekit()).dryRun({ packages: [{ name: 'rf-pk-a', version: '1.1' }] }));
    assert.deepEqual(dry, {
      upgrades: [
        {
          name: 'rf-pk-a',
          arch: 'all',
          fromVersion: '1.0',
          toVersion: '1.1',
          source: 'redflag_test-rf-test-',
          security: false,
        },
      ],
      newPackages: [
        { name: 'rf-pk-b', arch: 'all', toVersion: '1.0', source: 'redflag_test-rf-test-', security: false },
      ],
      removals: [{ name: 'rf-pk-c', arch: 'all', fromVersion: '1.0' }],
      warnings: [],
    });
    assert.equal(installedVersion('rf-pk-a'), '1.0');
    assert.equal(installedVersion('rf-pk-b'), undefined);
  });

  it("ErrorCode: a failed download fails the install with PackageKit's own error", async () => {
    const pm = await packagekit();
    const dry = value(await pm.dryRun({ packages: [{ name: 'rf-pk-e' }] }));
    assert.deepEqual(
      dry.upgrades.map((u) => [u.name, u.toVersion]),
      [['rf-pk-e', '1.1']],
    );
    const outcome = await pm.install({ packages: [{ name: 'rf-pk-e' }], expected: dry }, () => {});
    assert.equal(outcome.ok, false);
    assert.equal(!outcome.ok && outcome.reason, 'error', 'a PluginError: the plugin stays enabled');
    assert.equal(!outcome.ok && outcome.code, 'packagekit-package-download-failed');
    assert.match(
      !outcome.ok ? outcome.message : '',
      /PackageKit UpdatePackages ended with failed: package-download-failed: .*rf-pk-e/s,
    );
    assert.equal(installedVersion('rf-pk-e'), '1.0');
  });

  it('a hung daemon: the host stops the scan at its time limit and the plugin can be enabled again', async () => {
    const pm = await packagekit();
    daemon.packagekitd!.kill('SIGSTOP');
    try {
      const outcome = await pm.scan({ timeoutMs: 2_000 });
      assert.equal(outcome.ok, false);
      assert.equal(!outcome.ok && outcome.reason, 'timeout');
    } finally {
      daemon.packagekitd!.kill('SIGCONT');
    }
    const host = hosts.at(-1)!;
    assert.equal((await pm.scan()).ok, false, 'disabled after the hang');
    assert.equal(host.enable('packagekit'), true);
    assert.ok(
      value(await pm.scan()).packages.some((p) => p.name === 'rf-pk-a'),
      'works again',
    );
  });

  it('cancel: an install waiting for the dpkg lock is cancelled on the daemon too', async () => {
    const logs: LogEntry[] = [];
    let confirmed: () => void = () => {};
    const cancelConfirmed = new Promise<void>((resolve) => (confirmed = resolve));
    const watched = new Proxy(logs, {
      get: (target, key) =>
        key === 'push'
          ? (entry: LogEntry) => {
              if (
                /UpdatePackages stopped .*PackageKit transaction \S+ finished with cancelled/.test(
                  entry.message,
                )
              )
                confirmed();
              return target.push(entry);
            }
          : Reflect.get(target, key),
    });
    const pm = await packagekit({}, watched);
    const lock = await DpkgLockHolder.hold();
    const controller = new AbortController();
    const progress: InstallProgress[] = [];
    try {
      const outcome = await pm.install(
        { packages: [{ name: 'rf-pk-a' }] },
        (p) => {
          progress.push(p);
          if (p.stage === 'waiting') controller.abort();
        },
        { signal: controller.signal },
      );
      assert.equal(outcome.ok, false);
      assert.equal(!outcome.ok && outcome.reason, 'cancelled');
    } finally {
      await lock.release();
    }
    // The host answers `cancelled` at once; the plugin then cancels the PackageKit transaction
    // and logs the daemon's Finished(cancelled). This waits for that line (the mocha timeout
    // fails the test if it never comes).
    await cancelConfirmed;
    // PackageKit runs one transaction at a time: had the install gone on, it would run before this.
    value(await pm.scan());
    assert.equal(installedVersion('rf-pk-a'), '1.0');
  });

  it('install: progress, per-package outcomes, what changed; a rescan finds nothing for rf-pk-a', async () => {
    const pm = await packagekit();
    const expected = value(await pm.dryRun({ packages: [{ name: 'rf-pk-a' }] }));
    const progress: InstallProgress[] = [];
    const result = value(
      await pm.install({ packages: [{ name: 'rf-pk-a' }], expected }, (p) => progress.push(p)),
    );
    assert.ok(
      progress.some((p) => p.percent !== undefined && p.percent > 0),
      'percentages',
    );
    for (const name of ['rf-pk-a', 'rf-pk-b', 'rf-pk-c'])
      assert.ok(
        progress.some((p) => p.package === name && /^finished /.test(p.message)),
        `${name} finished`,
      );
    assert.deepEqual(
      [...result.changed].sort((x, y) => x.name.localeCompare(y.name)),
      [
        { name: 'rf-pk-a', fromVersion: '1.0', toVersion: '1.1' },
        { name: 'rf-pk-b', toVersion: '1.0' },
        { name: 'rf-pk-c', fromVersion: '1.0' },
      ],
    );
    assert.equal(result.rebootRequired.required, false);
    assert.equal(installedVersion('rf-pk-a'), '1.1');
    const rescan = value(await pm.scan());
    assert.deepEqual(
      rescan.packages.map((p) => p.name),
      ['rf-pk-e'],
    );
  });

  // Last: it takes the daemon down.
  it('a daemon that crashes mid-transaction: the scan fails at once with packagekit-crashed', async () => {
    // The 1.2.6 apt backend rates an update from a Debian-Security archive with severity
    // `security`, which its own pk_package_set_update_severity refuses; packagekitd then dies.
    repo.add({ name: 'rf-pk-a', version: '1.2', fields: ['Depends: rf-pk-b'] });
    repo.index({ origin: 'Debian', label: 'Debian-Security', suite: 'bookworm-security' });
    const outcome = await (await packagekit()).scan();
    assert.equal(outcome.ok, false);
    assert.equal(!outcome.ok && outcome.code, 'packagekit-crashed');
    assert.match(
      !outcome.ok ? outcome.message : '',
      /PackageKit exited during GetUpdates without finishing it/,
    );
  });
});
