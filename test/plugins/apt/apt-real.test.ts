import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILTIN_AGENT_PLUGINS } from '../../../agent/plugins.js';
import {
  type HostedPackageManager,
  type InstallProgress,
  PluginHost,
  type PluginEvent,
} from '../../../plugins/sdk/index.js';
import { DpkgLockHolder } from './helpers/dpkg-lock.js';
import { LocalRepo, must } from './helpers/local-repo.js';
import { requireOrSkip } from './helpers/requirements.js';
import { value } from '../sdk/outcome.js';

/** The apt plugin as the agent gets it: built-in discovery, the real host, the real apt. */
async function startApt(
  config: Record<string, unknown>,
): Promise<{ host: PluginHost; apt: HostedPackageManager; events: PluginEvent[] }> {
  const events: PluginEvent[] = [];
  const host = new PluginHost({
    modules: BUILTIN_AGENT_PLUGINS,
    accept: ['package-manager'],
    configs: { apt: config },
    onEvent: (e) => events.push(e),
  });
  const statuses = await host.start();
  assert.equal(statuses.find((s) => s.name === 'apt')?.state, 'active', JSON.stringify(statuses));
  return { host, apt: host.packageManager('apt')!, events };
}

function dpkgVersion(name: string): string | null {
  const result = spawnSync('dpkg-query', ['-W', '-f', '${db:Status-Abbrev}\t${Version}', name], {
    encoding: 'utf8',
  });
  const [status, version] = result.stdout.split('\t');
  // `ii` installed, `hi` installed and held: the second letter is the package's state.
  return result.status === 0 && status?.[1] === 'i' ? (version ?? null) : null;
}

const NEEDS_APT = { commands: ['apt', 'apt-get', 'apt-mark', 'apt-cache', 'dpkg-query'] };

describe('apt plugin on this machine (real apt)', function () {
  let host: PluginHost;
  let apt: HostedPackageManager;
  const scratch = mkdtempSync(join(tmpdir(), 'rf-apt-reboot-'));

  before(async function () {
    requireOrSkip(this, NEEDS_APT, 'the apt tests need a Debian or Ubuntu machine');
    // The machine's own sources; the index refresh needs the network and may fail without
    // failing the scan, which is the behaviour under test.
    ({ host, apt } = await startApt({ rebootRequiredFile: join(scratch, 'reboot-required') }));
  });
  after(async () => {
    await host?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('detects apt and its version', async () => {
    const detected = value(await apt.detect());
    assert.equal(detected.available, true);
    assert.match(detected.version ?? '', /^\d+\.\d+/);
  });

  it('scans every upgradable package with the versions dpkg and apt-cache report', async () => {
    const scan = value(await apt.scan());
    assert.equal(scan.complete, true, scan.warnings.join('\n'));
    // An independent count: apt's own lines, without our parser.
    const listed = must('apt', ['list', '--upgradable'])
      .split('\n')
      .filter((l) => l.includes('[upgradable from:'));
    assert.equal(scan.packages.length, listed.length);
    for (const pkg of scan.packages.slice(0, 15)) {
      const qualified = `${pkg.name}:${pkg.arch}`;
      assert.equal(must('dpkg-query', ['-W', '-f', '${Version}', qualified]), pkg.currentVersion, qualified);
      const candidate = /Candidate: (\S+)/.exec(must('apt-cache', ['policy', qualified]))?.[1];
      assert.equal(candidate, pkg.availableVersion, qualified);
      assert.equal(pkg.severity, pkg.security ? 'high' : 'unknown');
      assert.equal(
        pkg.security,
        pkg.source.split(',').some((s) => s.endsWith('-security')),
      );
    }
  });

  it('lists the same holds as apt-mark', async () => {
    const expected = must('apt-mark', ['showhold']).split('\n').filter(Boolean);
    assert.deepEqual(value(await apt.holds()), expected);
  });

  it('reports a reboot only while the reboot-required flag exists, with its packages', async () => {
    const flag = join(scratch, 'reboot-required');
    const before = value(await apt.rebootRequired());
    assert.equal(before.required, false, before.reasons.join(', '));
    writeFileSync(flag, '*** System restart required ***\n');
    writeFileSync(`${flag}.pkgs`, 'linux-image-amd64\nlibc6\nlinux-image-amd64\n');
    const after = value(await apt.rebootRequired());
    assert.equal(after.required, true);
    assert.deepEqual(after.packages, ['linux-image-amd64', 'libc6']);
    assert.match(after.reasons.join(), /reboot-required exists/);
  });
});

describe('apt plugin install cycle against a local repository (real apt and dpkg, root)', function () {
  const repo = new LocalRepo('rf-test-security');
  let host: PluginHost;
  let apt: HostedPackageManager;
  let events: PluginEvent[];

  const purgeTestPackages = () => {
    spawnSync('apt-mark', ['unhold', 'rf-test-a']);
    spawnSync('dpkg', ['--purge', 'rf-test-a', 'rf-test-b'], { stdio: 'ignore' });
  };

  before(async function () {
    requireOrSkip(
      this,
      {
        ...NEEDS_APT,
        commands: [...NEEDS_APT.commands, 'dpkg', 'dpkg-deb', 'dpkg-scanpackages', 'perl'],
        root: true,
        perlModules: ['File::FcntlLock'],
      },
      'install dpkg-dev (dpkg-scanpackages) and libfile-fcntllock-perl, and run the tests as root (.ci/run)',
    );
    purgeTestPackages();
    const installed = repo.addPackage({ name: 'rf-test-a', version: '1.0' });
    repo.addPackage({ name: 'rf-test-b', version: '1.0' });
    repo.addPackage({ name: 'rf-test-a', version: '1.1', depends: 'rf-test-b (>= 1.0)' });
    repo.index();
    must('dpkg', ['-i', installed]);
    ({ host, apt, events } = await startApt({
      aptOptions: repo.aptOptions(),
      rebootRequiredFile: join(repo.root, 'reboot-required'),
    }));
  });

  after(async () => {
    await host?.stop();
    purgeTestPackages();
    repo.remove();
  });

  it('scans: finds rf-test-a 1.0 → 1.1 from the security suite', async () => {
    const scan = value(await apt.scan());
    assert.deepEqual(scan.warnings, []);
    assert.equal(scan.complete, true);
    assert.deepEqual(scan.packages, [
      {
        plugin: 'apt',
        name: 'rf-test-a',
        arch: 'all',
        currentVersion: '1.0',
        availableVersion: '1.1',
        severity: 'high',
        source: 'rf-test-security',
        security: true,
        metadata: { suites: ['rf-test-security'], held: false },
      },
    ]);
  });

  it('dry run: lists rf-test-b as a new dependency and changes nothing', async () => {
    const transaction = value(await apt.dryRun({ packages: [{ name: 'rf-test-a', version: '1.1' }] }));
    assert.deepEqual(
      transaction.upgrades.map((u) => [u.name, u.fromVersion, u.toVersion, u.security]),
      [['rf-test-a', '1.0', '1.1', true]],
    );
    assert.deepEqual(
      transaction.newPackages.map((p) => [p.name, p.toVersion]),
      [['rf-test-b', '1.0']],
    );
    assert.deepEqual(transaction.removals, []);
    assert.equal(dpkgVersion('rf-test-a'), '1.0');
    assert.equal(dpkgVersion('rf-test-b'), null);
  });

  it('install: upgrades rf-test-a and installs rf-test-b, with progress from apt', async () => {
    const request = { packages: [{ name: 'rf-test-a', version: '1.1' }] };
    const confirmed = value(await apt.dryRun(request));
    const progress: InstallProgress[] = [];
    const result = value(await apt.install({ ...request, expected: confirmed }, (p) => progress.push(p)));
    assert.deepEqual(result.changed.map((c) => [c.name, c.fromVersion, c.toVersion]).sort(), [
      ['rf-test-a', '1.0', '1.1'],
      ['rf-test-b', undefined, '1.0'],
    ]);
    assert.equal(dpkgVersion('rf-test-a'), '1.1');
    assert.equal(dpkgVersion('rf-test-b'), '1.0');
    const installing = progress.filter((p) => p.stage === 'install');
    assert.ok(installing.some((p) => p.package === 'rf-test-a' && /Configuring|Installed/.test(p.message)));
    assert.ok(installing.some((p) => p.package === 'rf-test-b'));
    assert.ok(progress.some((p) => p.stage === 'output' && p.message.includes('Setting up rf-test-a (1.1)')));
    assert.equal(result.rebootRequired.required, false);
  });

  it('rescan: nothing left to upgrade', async () => {
    const scan = value(await apt.scan());
    assert.deepEqual(scan.packages, []);
    assert.equal(scan.complete, true);
  });

  it('apt-mark hold: the next update shows as held and the install refuses it', async () => {
    repo.addPackage({ name: 'rf-test-a', version: '1.2', depends: 'rf-test-b (>= 1.0)' });
    repo.index();
    must('apt-mark', ['hold', 'rf-test-a']);
    try {
      await heldChecks();
    } finally {
      must('apt-mark', ['unhold', 'rf-test-a']);
    }
  });

  async function heldChecks(): Promise<void> {
    assert.deepEqual(value(await apt.holds()), ['rf-test-a']);
    const scan = value(await apt.scan());
    assert.deepEqual(
      scan.packages.map((p) => [p.name, p.currentVersion, p.availableVersion, p.metadata.held]),
      [['rf-test-a', '1.1', '1.2', true]],
    );
    const dryRun = value(await apt.dryRun({ packages: [{ name: 'rf-test-a' }] }));
    assert.ok(
      dryRun.warnings.some((w) => /rf-test-a is held/.test(w)),
      dryRun.warnings.join('\n'),
    );
    const refused = await apt.install({ packages: [{ name: 'rf-test-a' }] }, () => {});
    assert.equal(refused.ok, false);
    assert.equal(!refused.ok && refused.code, 'held');
    assert.equal(dpkgVersion('rf-test-a'), '1.1');
  }

  it('refuses an install whose transaction changed since it was confirmed', async () => {
    const fresh = value(await apt.dryRun({ packages: [{ name: 'rf-test-a' }] }));
    const stale = { ...fresh, upgrades: fresh.upgrades.map((u) => ({ ...u, toVersion: '1.1.9' })) };
    const refused = await apt.install({ packages: [{ name: 'rf-test-a' }], expected: stale }, () => {});
    assert.equal(!refused.ok && refused.code, 'transaction-changed', JSON.stringify(refused));
    assert.match(
      !refused.ok ? refused.message : '',
      /\+ upgrade rf-test-a:all 1\.2.*- upgrade rf-test-a:all 1\.1\.9/,
    );
    assert.equal(dpkgVersion('rf-test-a'), '1.1');
    // Reported as an operation failure; the plugin stays usable.
    assert.ok(events.some((e) => e.subtype === 'operation-failed'));
    assert.equal(host.list().find((s) => s.name === 'apt')?.state, 'active');
  });

  it('gives up with a clear message when another process keeps the dpkg lock', async () => {
    const { host: impatientHost, apt: impatient } = await startApt({
      aptOptions: repo.aptOptions(),
      lockTimeoutSeconds: 1,
    });
    const lock = await DpkgLockHolder.hold();
    try {
      const outcome = await impatient.install({ packages: [{ name: 'rf-test-a' }] }, () => {});
      assert.equal(!outcome.ok && outcome.code, 'lock-timeout', JSON.stringify(outcome));
      assert.match(!outcome.ok ? outcome.message : '', /lock.*held by process \d+ \(perl\)/);
    } finally {
      await lock.release();
      await impatientHost.stop();
    }
    assert.equal(dpkgVersion('rf-test-a'), '1.1');
  });

  it('waits for the dpkg lock instead of failing, then installs', async () => {
    const lock = await DpkgLockHolder.hold();
    const progress: InstallProgress[] = [];
    try {
      const outcome = await apt.install({ packages: [{ name: 'rf-test-a' }] }, (p) => {
        progress.push(p);
        // Let go once apt has reported that it is waiting, as a finishing apt run would.
        if (p.stage === 'waiting') void lock.release();
      });
      value(outcome);
    } finally {
      await lock.release();
    }
    assert.ok(progress.some((p) => p.stage === 'waiting' && /held by process \d+ \(perl\)/.test(p.message)));
    assert.equal(dpkgVersion('rf-test-a'), '1.2');
  });

  it('reports a failed index refresh as a warning and still scans', async () => {
    const { host: brokenHost, apt: broken } = await startApt({
      aptOptions: repo.aptOptions(repo.brokenSourcesList()),
    });
    try {
      repo.addPackage({ name: 'rf-test-a', version: '1.3', depends: 'rf-test-b (>= 1.0)' });
      repo.index();
      const scan = value(await broken.scan());
      assert.match(scan.warnings.join('\n'), /apt-get update failed.*Failed to fetch file:.*missing/s);
      assert.deepEqual(
        scan.packages.map((p) => [p.name, p.availableVersion]),
        [['rf-test-a', '1.3']],
      );
    } finally {
      await brokenHost.stop();
    }
  });
});
