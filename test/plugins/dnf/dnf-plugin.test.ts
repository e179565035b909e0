import assert from 'node:assert/strict';
import {
  type HostedPackageManager,
  type InstallProgress,
  type LogEntry,
  PluginHost,
} from '../../../plugins/sdk/index.js';
import { FakeDnf, pathWith } from './helpers/fake-dnf.js';
import { dnfFixture } from './helpers/fixtures.js';
import { value } from '../sdk/outcome.js';

/**
 * The dnf plugin's decisions (which commands, which arguments, what to do when they fail)
 * against scripted output, so every failure mode runs on any machine. dnf-real.test.ts runs
 * the real dnf.
 */
async function dnfWith(fake: FakeDnf, config: Record<string, unknown> = {}, programs = ['dnf']) {
  const path = pathWith(programs);
  cleanups.push(path.restore);
  const logs: LogEntry[] = [];
  const host = new PluginHost({
    modules: [{ id: 'plugins/dnf', load: () => import('../../../plugins/dnf/index.js') }],
    accept: ['package-manager'],
    configs: { dnf: config },
    runner: fake.runner,
    log: (entry) => logs.push(entry),
  });
  const [status] = await host.start();
  assert.equal(status?.state, 'active', status?.message);
  cleanups.push(() => void host.stop());
  return { dnf: host.packageManager('dnf')! as HostedPackageManager, logs, host, bin: path.dir };
}
const cleanups: Array<() => void> = [];
// Last in, first out: each PATH restore puts back the PATH the one before it saw.
afterEach(() =>
  cleanups
    .splice(0)
    .reverse()
    .forEach((clean) => clean()),
);

const RPM_QA = { stdout: dnfFixture('rpm-qa.stdout') };
const REPOQUERY = { stdout: dnfFixture('dnf-repoquery-upgrades.stdout') };
const UPDATEINFO = { stdout: dnfFixture('dnf-updateinfo-list.stdout') };
const NO_LOCKS = { stdout: [] };
const ABORTED = (stdout: string[]) => ({ exitCode: 1, stdout, stderr: ['Operation aborted.'] });
const UPGRADE_FOO = ABORTED(dnfFixture('dnf-upgrade-foo-assumeno.txt'));
const FOO_INSTALLED = { stdout: ['foo|0|1.0|1|noarch', 'baz|0|2.0|1|noarch'] };
const FOO_UPGRADED = { stdout: ['foo|0|1.1|1|noarch', 'baz|0|2.0|1|noarch', 'bar|0|1.0|1|noarch'] };

function scanFake(): FakeDnf {
  return new FakeDnf()
    .on('dnf repoquery', REPOQUERY)
    .on('rpm', RPM_QA)
    .on('dnf updateinfo', UPDATEINFO)
    .on('dnf versionlock', NO_LOCKS);
}

describe('dnf plugin: scan', () => {
  it('lists candidates, versions, advisories and holds: C locale, argument vectors, install root and options first', async () => {
    const fake = scanFake();
    const { dnf, bin } = await dnfWith(fake, { installRoot: '/srv/root', dnfOptions: ['--releasever=40'] });
    const scan = value(await dnf.scan());
    const global = ['--installroot=/srv/root', '--releasever=40'];
    assert.deepEqual(
      fake.calls.map((c) => [c.command, ...c.args]),
      [
        [
          `${bin}/dnf`,
          ...global,
          '--refresh',
          'repoquery',
          '--upgrades',
          '--latest-limit=1',
          '--queryformat=%{name}|%{epoch}|%{version}|%{release}|%{arch}|%{repoid}',
        ],
        ['rpm', '--root', '/srv/root', '-qa', '--qf', '%{NAME}|%{EPOCHNUM}|%{VERSION}|%{RELEASE}|%{ARCH}\\n'],
        [`${bin}/dnf`, ...global, '-q', 'updateinfo', 'list'],
        [`${bin}/dnf`, ...global, '-q', 'versionlock', 'list'],
      ],
    );
    for (const call of fake.calls) assert.equal(call.env.LC_ALL, 'C');
    assert.equal(scan.complete, true);
    assert.deepEqual(scan.warnings, []);
    assert.deepEqual(
      scan.packages.map((p) => [
        p.name,
        p.currentVersion,
        p.availableVersion,
        p.severity,
        p.security,
        p.metadata.advisories,
      ]),
      [
        ['rf-test-a', '1.0-1', '1.1-1', 'high', true, ['RF-2026-0001']],
        ['rf-test-c', '3.0-1', '1:2.0-1', 'low', true, ['RF-2026-0002']],
        ['rf-test-d', '1.0-1', '2.0-1', 'low', false, ['RF-2026-0003']],
        [
          'rf-test-this-is-a-very-long-package-name-that-will-not-fit-into-any-column-of-the-dnf-table',
          '1.0-1',
          '3:1.0.2020.11.23.very.long.version.string.for.testing-1',
          'high',
          true,
          ['RF-2026-0004'],
        ],
      ],
    );
  });

  it('marks held packages and says a kernel or glibc update will need a reboot', async () => {
    const fake = scanFake()
      .on('dnf repoquery', {
        stdout: ['rf-test-a|0|1.1|1|noarch|rftest', 'kernel|0|6.9.1|200.fc40|x86_64|updates'],
      })
      .on('rpm', {
        stdout: [
          'rf-test-a|0|1.0|1|noarch',
          'kernel|0|6.8.5|301.fc40|x86_64',
          'kernel|0|6.9.0|100.fc40|x86_64',
        ],
      })
      .on('dnf versionlock', { stdout: dnfFixture('dnf-versionlock-list.stdout') });
    const { dnf } = await dnfWith(fake);
    const scan = value(await dnf.scan());
    const [a, kernel] = scan.packages;
    assert.equal(a?.metadata.held, true);
    assert.equal(a?.rebootRequired, undefined);
    // Install-only kernels: the newest installed copy is the current version.
    assert.equal(kernel?.currentVersion, '6.9.0-100.fc40');
    assert.equal(kernel?.metadata.held, false);
    assert.equal(kernel?.rebootRequired, true);
    assert.equal(kernel?.severity, 'unknown');
    assert.equal(kernel?.security, false);
  });

  it('a failed metadata refresh is retried from the cache and reported', async () => {
    const refreshFailed = {
      exitCode: 1,
      stderr: ["Error: Failed to download metadata for repo 'updates': Cannot download repomd.xml"],
    };
    const fake = scanFake().on('dnf repoquery', refreshFailed, REPOQUERY);
    const { dnf } = await dnfWith(fake);
    const scan = value(await dnf.scan());
    const listings = fake.callsTo('dnf repoquery').map((c) => c.args[0]);
    assert.deepEqual(listings, ['--refresh', '--cacheonly']);
    assert.equal(scan.packages.length, 4);
    assert.equal(scan.complete, true);
    assert.match(
      scan.warnings.join('\n'),
      /refreshing the repository metadata failed, so this scan used the metadata already cached: dnf repoquery exited with 1: Error: Failed to download metadata for repo 'updates'/,
    );
  });

  it('fails with the error when even the cache cannot answer', async () => {
    const fake = scanFake().on('dnf repoquery', {
      exitCode: 1,
      stderr: ['Error: Cache-only enabled but no cache'],
    });
    const { dnf } = await dnfWith(fake);
    const outcome = await dnf.scan();
    assert.equal(!outcome.ok && outcome.code, 'command-failed');
    assert.match(!outcome.ok ? outcome.message : '', /Cache-only enabled but no cache/);
  });

  it('a skipped repository or an unreadable line makes the scan incomplete', async () => {
    const fake = scanFake().on('dnf repoquery', {
      stdout: [...REPOQUERY.stdout, 'garbage|line'],
      stderr: dnfFixture('dnf-repoquery-broken-repo.stderr'),
    });
    const { dnf } = await dnfWith(fake, { refreshMetadata: false });
    const scan = value(await dnf.scan());
    assert.equal(scan.complete, false);
    assert.equal(scan.packages.length, 4);
    assert.equal(fake.callsTo('dnf repoquery')[0]?.args[0], 'repoquery');
    assert.deepEqual(scan.warnings, [
      'unreadable line in dnf repoquery (not name|epoch|version|release|arch|repo): "garbage|line"',
      'repositories skipped because their metadata could not be loaded: broken',
    ]);
  });

  it('advisories that cannot be read leave severities unknown but the scan complete', async () => {
    const fake = scanFake().on('dnf updateinfo', { exitCode: 1, stderr: ['Error: something broke'] });
    const { dnf } = await dnfWith(fake);
    const scan = value(await dnf.scan());
    assert.equal(scan.complete, true);
    assert.ok(scan.packages.every((p) => p.severity === 'unknown' && !p.security));
    assert.deepEqual(scan.warnings, [
      'advisories unknown, so severities are unknown: dnf updateinfo exited with 1: Error: something broke',
    ]);
  });

  it('fails with not-installed when no front end is on PATH', async () => {
    const { dnf } = await dnfWith(new FakeDnf(), {}, []);
    const outcome = await dnf.scan();
    assert.equal(!outcome.ok && outcome.code, 'not-installed');
    assert.deepEqual(value(await dnf.detect()), {
      available: false,
      reason: 'none of dnf5, dnf, yum is installed (searched PATH)',
    });
  });
});

describe('dnf plugin: dry run', () => {
  it('reads the --assumeno table (exit 1, Operation aborted) and fills in the installed versions', async () => {
    const fake = new FakeDnf()
      .on('dnf upgrade', UPGRADE_FOO)
      .on('rpm', FOO_INSTALLED)
      .on('dnf updateinfo', { stdout: dnfFixture('dnf-updateinfo.txt').slice(1, 3) })
      .on('dnf versionlock', NO_LOCKS);
    const { dnf, bin } = await dnfWith(fake);
    const transaction = value(
      await dnf.dryRun({ packages: [{ name: 'foo', arch: 'noarch', version: '1.1-1' }] }),
    );
    assert.deepEqual(fake.callsTo('dnf upgrade')[0]?.args, ['upgrade', '--assumeno', 'foo-0:1.1-1.noarch']);
    assert.equal(fake.callsTo('dnf upgrade')[0]?.command, `${bin}/dnf`);
    assert.deepEqual(transaction, {
      upgrades: [
        {
          name: 'foo',
          arch: 'noarch',
          fromVersion: '1.0-1',
          toVersion: '1.1-1',
          source: 'testupdates',
          security: true,
        },
      ],
      newPackages: [{ name: 'bar', arch: 'noarch', toVersion: '1.0-1', source: 'testupdates' }],
      removals: [],
      warnings: [],
    });
  });

  it('nothing to upgrade ("No packages marked for upgrade", exit 1) is an empty transaction with warnings', async () => {
    const fake = new FakeDnf()
      .on('dnf upgrade', {
        exitCode: 1,
        stdout: [
          'Last metadata expiration check: 0:00:03 ago on Sun Nov 22 21:42:26 2026.',
          'No match for argument: nope',
        ],
        stderr: ['Error: No packages marked for upgrade.'],
      })
      .on('rpm', FOO_INSTALLED)
      .on('dnf updateinfo', { stdout: [] })
      .on('dnf versionlock', { stdout: ['nope-0:1.0-1.*'] });
    const { dnf } = await dnfWith(fake);
    const transaction = value(await dnf.dryRun({ packages: [{ name: 'nope' }] }));
    assert.deepEqual(transaction.upgrades, []);
    assert.deepEqual(transaction.warnings, [
      'No match for argument: nope',
      'nope: nothing to upgrade (not installed, already the newest, held, or no candidate)',
      'nope is held (versionlock): an install will refuse it until it is unlocked (dnf versionlock delete nope)',
    ]);
  });

  it('fails on an error, and on a table it cannot read exactly', async () => {
    const failing = new FakeDnf().on('dnf upgrade', { exitCode: 1, stderr: ['Error: rpmdb open failed'] });
    const failed = await (await dnfWith(failing)).dnf.dryRun({ packages: [{ name: 'foo' }] });
    assert.equal(!failed.ok && failed.code, 'dry-run-failed');
    assert.match(!failed.ok ? failed.message : '', /dnf upgrade exited with 1: Error: rpmdb open failed/);

    const garbled = dnfFixture('dnf-upgrade-foo-assumeno.txt').map((l) =>
      l.startsWith(' bar') ? ' bar  noarch' : l,
    );
    const unreadable = new FakeDnf().on('dnf upgrade', ABORTED(garbled));
    const outcome = await (await dnfWith(unreadable)).dnf.dryRun({ packages: [{ name: 'foo' }] });
    assert.equal(!outcome.ok && outcome.code, 'unreadable-output');
    assert.match(
      !outcome.ok ? outcome.message : '',
      /" bar {2}noarch".*the transaction summary counts 1 to install, the table lists 0/,
    );
  });

  it('refuses package names that are not RPM names before running anything', async () => {
    const fake = new FakeDnf();
    const { dnf } = await dnfWith(fake);
    for (const ref of [
      { name: '--setopt=x' },
      { name: 'foo*' },
      { name: 'foo', version: '1.0;rm' },
      { name: 'foo', arch: 'x 86' },
    ]) {
      const outcome = await dnf.dryRun({ packages: [ref] });
      assert.equal(!outcome.ok && outcome.code, 'invalid-request', JSON.stringify(ref));
    }
    assert.deepEqual(fake.calls, []);
  });
});

describe('dnf plugin: install', () => {
  function installFake(): FakeDnf {
    return new FakeDnf()
      .on('dnf versionlock', NO_LOCKS)
      .on('dnf upgrade', UPGRADE_FOO, {
        stdout: [
          ...dnfFixture('dnf-upgrade-foo-assumeno.txt').slice(0, -1),
          'Running transaction',
          '  Preparing        :                                                        1/1 ',
          '  Installing       : bar-1.0-1.noarch                                       1/3 ',
          '  Upgrading        : foo-1.1-1.noarch                                       2/3 ',
          '  Cleanup          : foo-1.0-1.noarch                                       3/3 ',
          '  Verifying        : foo-1.1-1.noarch                                       3/3 ',
          'Complete!',
        ],
      })
      .on('rpm', FOO_INSTALLED, FOO_INSTALLED, FOO_UPGRADED)
      .on('dnf updateinfo', { stdout: [] })
      .on('dnf needs-restarting', { stdout: dnfFixture('dnf-needs-restarting-not-required.stdout') });
  }

  it('runs dnf upgrade -y after a matching dry run, streams progress, reports what rpm says changed', async () => {
    const fake = installFake();
    const { dnf } = await dnfWith(fake);
    const progress: InstallProgress[] = [];
    const result = value(await dnf.install({ packages: [{ name: 'foo' }] }, (p) => progress.push(p)));
    assert.deepEqual(
      fake.callsTo('dnf upgrade').map((c) => c.args),
      [
        ['upgrade', '--assumeno', 'foo'],
        ['upgrade', '-y', 'foo'],
      ],
    );
    assert.deepEqual(result.changed, [
      { name: 'foo', arch: 'noarch', fromVersion: '1.0-1', toVersion: '1.1-1' },
      { name: 'bar', arch: 'noarch', toVersion: '1.0-1' },
    ]);
    assert.deepEqual(result.warnings, []);
    assert.equal(result.rebootRequired.required, false);
    assert.deepEqual(
      progress.filter((p) => p.stage === 'install').map((p) => [p.package, p.percent, p.message]),
      [
        [undefined, 90, 'Preparing'],
        ['bar', 30, 'Installing bar-1.0-1.noarch'],
        ['foo', 60, 'Upgrading foo-1.1-1.noarch'],
        ['foo', 90, 'Cleanup foo-1.0-1.noarch'],
        ['foo', 100, 'Verifying foo-1.1-1.noarch'],
      ],
    );
    assert.ok(progress.some((p) => p.stage === 'output' && p.message === 'Complete!'));
  });

  it('refuses held packages without running dnf upgrade', async () => {
    const fake = installFake().on('dnf versionlock', { stdout: ['foo-0:1.0-1.*'] });
    const { dnf } = await dnfWith(fake);
    const outcome = await dnf.install({ packages: [{ name: 'foo' }] }, () => {});
    assert.equal(!outcome.ok && outcome.code, 'held');
    assert.deepEqual(fake.callsTo('dnf upgrade'), []);
  });

  it('reads holds for itself: an install does not go ahead while they are unknown', async () => {
    const fake = installFake().on('dnf versionlock', { exitCode: 1, stderr: ['Error: locklist unreadable'] });
    const { dnf } = await dnfWith(fake);
    const outcome = await dnf.install({ packages: [{ name: 'foo' }] }, () => {});
    assert.equal(!outcome.ok && outcome.code, 'command-failed');
    assert.deepEqual(fake.callsTo('dnf upgrade'), []);
  });

  it('refuses a transaction that changed since it was confirmed', async () => {
    const fake = installFake();
    const { dnf } = await dnfWith(fake);
    const expected = {
      upgrades: [{ name: 'foo', arch: 'noarch', toVersion: '1.1-1' }],
      newPackages: [],
      removals: [],
      warnings: [],
    };
    const outcome = await dnf.install({ packages: [{ name: 'foo' }], expected }, () => {});
    assert.equal(!outcome.ok && outcome.code, 'transaction-changed');
    assert.match(!outcome.ok ? outcome.message : '', /\+ new package bar:noarch 1\.0-1/);
    assert.equal(fake.callsTo('dnf upgrade').length, 1);
  });

  it('a failed install reports the error and what changed anyway', async () => {
    const fake = installFake().on('dnf upgrade', UPGRADE_FOO, {
      exitCode: 1,
      stdout: ['Error: Transaction test error:', '  file /usr/bin/x conflicts between attempted installs'],
    });
    const { dnf } = await dnfWith(fake);
    const outcome = await dnf.install({ packages: [{ name: 'foo' }] }, () => {});
    assert.equal(!outcome.ok && outcome.code, 'install-failed');
    assert.match(
      !outcome.ok ? outcome.message : '',
      /dnf upgrade exited with 1: Error: Transaction test error:/,
    );
  });
});

describe('dnf plugin: reboot status (needs-restarting -r)', () => {
  it('exit 1 with its words: required, with the packages it names', async () => {
    const fake = new FakeDnf().on('dnf needs-restarting', {
      exitCode: 1,
      stdout: dnfFixture('dnf-needs-restarting-required.stdout'),
    });
    const { dnf } = await dnfWith(fake, { installRoot: '/srv/root' });
    assert.deepEqual(value(await dnf.rebootRequired()), {
      required: true,
      packages: ['dbus'],
      reasons: ['needs-restarting -r: core libraries or services were updated since boot (dbus)'],
    });
    assert.deepEqual(fake.calls[0]?.args, ['--installroot=/srv/root', 'needs-restarting', '-r']);
  });

  it('an absent plugin or program means "not required", logged at debug', async () => {
    const noPlugin = new FakeDnf().on('dnf needs-restarting', {
      exitCode: 1,
      stderr: ['No such command: needs-restarting. Please use /usr/bin/dnf --help'],
    });
    const { dnf, logs } = await dnfWith(noPlugin);
    assert.deepEqual(value(await dnf.rebootRequired()), { required: false, packages: [], reasons: [] });
    assert.ok(logs.some((l) => l.level === 'debug' && /needs-restarting is not installed/.test(l.message)));

    // yum (EL7): a yum-utils program of its own, perhaps not installed.
    const yum = new FakeDnf();
    const onYum = await dnfWith(yum, {}, ['yum']);
    assert.deepEqual(value(await onYum.dnf.rebootRequired()), { required: false, packages: [], reasons: [] });
    assert.deepEqual(
      yum.calls.map((c) => [c.command, ...c.args]),
      [['needs-restarting', '-r']],
    );
  });

  it('any other failure: not required, with a warning in the log; checkReboot false asks nothing', async () => {
    const broken = new FakeDnf().on('dnf needs-restarting', {
      exitCode: 1,
      stderr: ['Error: rpmdb open failed'],
    });
    const { dnf, logs } = await dnfWith(broken);
    assert.equal(value(await dnf.rebootRequired()).required, false);
    assert.ok(logs.some((l) => l.level === 'warn' && /rpmdb open failed/.test(l.message)));

    const off = new FakeDnf();
    const quiet = await dnfWith(off, { checkReboot: false });
    assert.equal(value(await quiet.dnf.rebootRequired()).required, false);
    assert.deepEqual(off.calls, []);
  });
});

describe('dnf plugin: config', () => {
  it('refuses options that are not long options, a relative install root, an unknown tool', async () => {
    for (const config of [
      { dnfOptions: ['-y'] },
      { dnfOptions: ['rf-test-a'] },
      { installRoot: 'srv' },
      { tool: 'zypper' },
    ]) {
      const host = new PluginHost({
        modules: [{ id: 'plugins/dnf', load: () => import('../../../plugins/dnf/index.js') }],
        accept: ['package-manager'],
        configs: { dnf: config },
      });
      const [status] = await host.start();
      assert.equal(status?.state, 'refused', JSON.stringify(config));
      await host.stop();
    }
  });
});
