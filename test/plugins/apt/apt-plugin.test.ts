import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type HostedPackageManager,
  type InstallProgress,
  type LogEntry,
  PluginHost,
} from '../../../plugins/sdk/index.js';
import { FakeApt, FakeClock } from './helpers/fake-apt.js';
import { aptFixtureLines } from './helpers/fixtures.js';
import { value } from '../sdk/outcome.js';

/**
 * The apt plugin's decisions (which commands, which arguments, what to do when they fail)
 * against scripted tool output, so every failure mode runs on any machine. The real tools are
 * exercised in apt-real.test.ts.
 */
async function aptWith(fake: FakeApt, config: Record<string, unknown> = {}, clock = new FakeClock()) {
  const logs: LogEntry[] = [];
  const scratch = mkdtempSync(join(tmpdir(), 'rf-apt-fake-'));
  const host = new PluginHost({
    modules: [{ id: 'plugins/apt', load: () => import('../../../plugins/apt/index.js') }],
    accept: ['package-manager'],
    configs: {
      apt: { rebootRequiredFile: join(scratch, 'reboot-required'), needrestartPath: '', ...config },
    },
    runner: fake.runner,
    clock,
    log: (entry) => logs.push(entry),
  });
  const [status] = await host.start();
  assert.equal(status?.state, 'active', status?.message);
  cleanups.push(() => rmSync(scratch, { recursive: true, force: true }));
  return { apt: host.packageManager('apt')! as HostedPackageManager, logs, clock, scratch };
}
const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((clean) => clean()));

const LIST = aptFixtureLines('apt-list-upgradable.stdout');
const LOCKED_LISTS = [
  'E: Could not get lock /var/lib/apt/lists/lock. It is held by process 4242 (apt-get)',
  'E: Unable to lock directory /var/lib/apt/lists/',
];

describe('apt plugin: scan', () => {
  it('refreshes and lists with the C locale, no prompts and the configured apt options; holds from dpkg', async () => {
    const fake = new FakeApt()
      .on('apt-get update', { stdout: aptFixtureLines('apt-update.txt') })
      .on('apt list', { stdout: LIST })
      .on('dpkg-query holds', {
        stdout: [
          'install ok installed\tdpkg\tamd64',
          'hold ok installed\tcurl\tamd64',
          'install ok installed\tzstd\tamd64',
        ],
      });
    const { apt } = await aptWith(fake, { aptOptions: ['Acquire::http::Proxy=http://proxy:3142'] });
    const scan = value(await apt.scan());

    assert.deepEqual(
      fake.calls.map((c) => [c.command, ...c.args]),
      [
        ['apt-get', 'update', '-q', '-o', 'Acquire::http::Proxy=http://proxy:3142'],
        [
          'apt',
          'list',
          '--upgradable',
          '-o',
          'APT::Cmd::Disable-Script-Warning=true',
          '-o',
          'Acquire::http::Proxy=http://proxy:3142',
        ],
        ['dpkg-query', '-W', '-f', '${Status}\\t${Package}\\t${Architecture}\\n'],
      ],
    );
    for (const call of fake.calls) {
      assert.equal(call.env.LC_ALL, 'C');
      assert.equal(call.env.DEBIAN_FRONTEND, 'noninteractive');
    }
    assert.equal(scan.packages.length, 136);
    assert.equal(scan.complete, true);
    assert.deepEqual(scan.warnings, []);
    const curl = scan.packages.find((p) => p.name === 'curl');
    assert.deepEqual(curl, {
      plugin: 'apt',
      name: 'curl',
      arch: 'amd64',
      currentVersion: '7.88.1-10+deb12u14',
      availableVersion: '7.88.1-10+deb12u15',
      severity: 'unknown',
      source: 'oldstable',
      security: false,
      metadata: { suites: ['oldstable'], held: true },
    });
    const cups = scan.packages.find((p) => p.name === 'libcups2');
    assert.deepEqual(
      [cups?.source, cups?.security, cups?.severity],
      ['oldstable,oldstable-security', true, 'high'],
    );
  });

  it("reads holds like apt-mark showhold: sorted, qualified only for an architecture other than dpkg's", async () => {
    const fake = new FakeApt().on('dpkg-query holds', {
      stdout: [
        'hold ok installed\tzlib1g\ti386',
        'install ok installed\tdpkg\tamd64',
        'hold ok installed\ttzdata\tall',
        'hold ok installed\tcurl\tamd64',
        'deinstall ok config-files\told-thing\tamd64',
        'hold ok installed\tBAD NAME\tamd64',
      ],
    });
    const { apt, logs } = await aptWith(fake);
    assert.deepEqual(value(await apt.holds()), ['curl', 'tzdata', 'zlib1g:i386']);
    assert.ok(logs.some((l) => /unreadable held package/.test(l.message)));
  });

  it('skips the refresh when updateBeforeScan is off', async () => {
    const fake = new FakeApt().on('apt list', { stdout: LIST }).on('dpkg-query holds', { stdout: [] });
    const { apt } = await aptWith(fake, { updateBeforeScan: false });
    value(await apt.scan());
    assert.deepEqual(fake.callsTo('apt-get update'), []);
  });

  it('reports a failed refresh as a warning and scans the lists on disk', async () => {
    const fake = new FakeApt()
      .on('apt-get update', {
        exitCode: 100,
        stderr: [
          'E: Failed to fetch http://deb.debian.org/debian/dists/bookworm/InRelease  Could not resolve host',
          'E: Some index files failed to download.',
        ],
      })
      .on('apt list', { stdout: LIST })
      .on('dpkg-query holds', { stdout: [] });
    const { apt, logs } = await aptWith(fake);
    const scan = value(await apt.scan());
    assert.equal(scan.packages.length, 136);
    assert.equal(scan.complete, true, 'the lists on disk are complete, only older');
    assert.deepEqual(scan.warnings, [
      'apt-get update failed, so this scan used the package lists already on disk: apt-get update exited with 100: ' +
        'E: Failed to fetch http://deb.debian.org/debian/dists/bookworm/InRelease  Could not resolve host | E: Some index files failed to download.',
    ]);
    assert.equal(logs.filter((l) => l.level === 'warn').length, 1);
  });

  it('waits for a busy lists lock and retries, instead of failing at once', async () => {
    const fake = new FakeApt()
      .on(
        'apt-get update',
        { exitCode: 100, stderr: LOCKED_LISTS },
        { exitCode: 100, stderr: LOCKED_LISTS },
        { stdout: [] },
      )
      .on('apt list', { stdout: LIST })
      .on('dpkg-query holds', { stdout: [] });
    const { apt, clock, logs } = await aptWith(fake);
    const scan = value(await apt.scan());
    assert.deepEqual(scan.warnings, []);
    assert.equal(fake.callsTo('apt-get update').length, 3);
    assert.deepEqual(clock.sleeps, [5000, 5000]);
    assert.match(
      logs.find((l) => l.level === 'info')?.message ?? '',
      /waits for a lock: Could not get lock .* held by process 4242 \(apt-get\)/,
    );
  });

  it('gives up on the lock after lockTimeoutSeconds and says who held it', async () => {
    const fake = new FakeApt()
      .on('apt-get update', { exitCode: 100, stderr: LOCKED_LISTS })
      .on('apt list', { stdout: [] })
      .on('dpkg-query holds', { stdout: [] });
    const { apt, clock } = await aptWith(fake, { lockTimeoutSeconds: 12 });
    const scan = value(await apt.scan());
    assert.deepEqual(clock.sleeps, [5000, 5000, 2000]);
    assert.match(
      scan.warnings[0] ?? '',
      /apt-get update failed.*Could not get lock \/var\/lib\/apt\/lists\/lock\. It is held by process 4242/,
    );
  });

  it('fails the scan, clearly, when apt list itself fails', async () => {
    const fake = new FakeApt().on('apt list', {
      exitCode: 100,
      stderr: ['E: The package cache file is corrupted'],
    });
    const { apt } = await aptWith(fake, { updateBeforeScan: false });
    const outcome = await apt.scan();
    assert.deepEqual(outcome, {
      ok: false,
      reason: 'error',
      code: 'command-failed',
      message: 'plugin apt: scan failed: apt list exited with 100: E: The package cache file is corrupted',
    });
  });

  it('marks a scan with an unreadable line incomplete and reports the line', async () => {
    const fake = new FakeApt()
      .on('apt list', { stdout: [...LIST, 'garbage/ line'] })
      .on('dpkg-query holds', { stdout: [] });
    const { apt } = await aptWith(fake, { updateBeforeScan: false });
    const scan = value(await apt.scan());
    assert.equal(scan.packages.length, 136);
    assert.equal(scan.complete, false);
    assert.match(scan.warnings[0] ?? '', /unreadable line in apt list --upgradable .*"garbage\/ line"/);
  });
});

describe('apt plugin: dry run and install', () => {
  const curlDryRun = { stdout: aptFixtureLines('apt-get-dry-run-install-curl.txt') };
  /** `apt-get install --download-only` that fetched the archives. */
  const downloaded = { exitCode: 0 };
  const dpkgBefore = {
    exitCode: 0,
    stdout: ['curl\tamd64\t7.88.1-10+deb12u14\tii ', 'libcurl4\tamd64\t7.88.1-10+deb12u14\tii '],
  };
  const dpkgAfter = {
    exitCode: 0,
    stdout: ['curl\tamd64\t7.88.1-10+deb12u15\tii ', 'libcurl4\tamd64\t7.88.1-10+deb12u15\tii '],
  };

  it('simulates with --only-upgrade, packages after --, and returns the transaction', async () => {
    const fake = new FakeApt().on('apt-get install', curlDryRun).on('dpkg-query holds', { stdout: [] });
    const { apt } = await aptWith(fake);
    const transaction = value(
      await apt.dryRun({ packages: [{ name: 'curl', version: '7.88.1-10+deb12u15' }] }),
    );
    assert.deepEqual(fake.calls[0]?.args, [
      '-s',
      '-q',
      'install',
      '--only-upgrade',
      '--',
      'curl=7.88.1-10+deb12u15',
    ]);
    assert.equal(transaction.upgrades.length, 4);
    assert.deepEqual(transaction.warnings, []);
  });

  it('warns in the dry run about a requested package with nothing to upgrade', async () => {
    const fake = new FakeApt()
      .on('apt-get install', {
        stdout: ['Skipping rf-x, it is not installed and only upgrades are requested.'],
      })
      .on('dpkg-query holds', { stdout: [] });
    const { apt } = await aptWith(fake);
    const transaction = value(await apt.dryRun({ packages: [{ name: 'rf-x' }] }));
    assert.deepEqual(transaction.warnings, [
      'Skipping rf-x, it is not installed and only upgrades are requested.',
      'rf-x: nothing to upgrade (not installed, already the newest, or no candidate)',
    ]);
  });

  it('refuses a dry run whose output it cannot fully read', async () => {
    const fake = new FakeApt().on('apt-get install', {
      stdout: ['Inst curl [7.88.1] (7.88.2 Debian:12/oldstable'],
    });
    const { apt } = await aptWith(fake);
    const outcome = await apt.dryRun({ packages: [{ name: 'curl' }] });
    assert.equal(!outcome.ok && outcome.code, 'unreadable-output');
  });

  it('installs unattended, keeping config files, reporting apt status lines as progress', async () => {
    const fake = new FakeApt()
      .on('dpkg-query holds', { stdout: [] })
      .on('apt-get install', curlDryRun, downloaded, {
        status: [
          'pmstatus:dpkg-exec:0.0000:Running dpkg',
          'pmstatus:curl:50.0000:Unpacking curl (amd64)',
          'pmstatus:curl:100.0000:Installed curl (amd64)',
        ],
        stdout: ['Setting up curl (7.88.1-10+deb12u15) ...'],
      })
      .on('dpkg-query', dpkgBefore, dpkgAfter);
    const { apt } = await aptWith(fake);
    const progress: InstallProgress[] = [];
    const result = value(await apt.install({ packages: [{ name: 'curl' }] }, (p) => progress.push(p)));

    // The archives first, on their own (issue 21 §6: until then a cancel changes nothing).
    assert.deepEqual(fake.callsTo('apt-get install')[1]!.args, [
      'install',
      '--only-upgrade',
      '--download-only',
      '-y',
      '-q',
      '-o',
      'APT::Status-Fd=3',
      '-o',
      'DPkg::Lock::Timeout=300',
      '--',
      'curl',
    ]);
    const install = fake.callsTo('apt-get install')[2]!;
    assert.deepEqual(install.args, [
      'install',
      '--only-upgrade',
      '-y',
      '-q',
      '-o',
      'APT::Status-Fd=3',
      '-o',
      'Dpkg::Options::=--force-confdef',
      '-o',
      'Dpkg::Options::=--force-confold',
      '-o',
      'Dpkg::Use-Pty=0',
      '-o',
      'DPkg::Lock::Timeout=300',
      '--',
      'curl',
    ]);
    assert.equal(install.env.DEBIAN_FRONTEND, 'noninteractive');
    assert.equal(install.env.UCF_FORCE_CONFFOLD, '1');
    assert.equal(install.env.NEEDRESTART_MODE, 'l');
    assert.deepEqual(progress, [
      { stage: 'install', percent: 0, message: 'Running dpkg' },
      { stage: 'install', percent: 50, package: 'curl', message: 'Unpacking curl (amd64)' },
      { stage: 'install', percent: 100, package: 'curl', message: 'Installed curl (amd64)' },
      { stage: 'output', message: 'Setting up curl (7.88.1-10+deb12u15) ...' },
    ]);
    assert.deepEqual(result.changed, [
      { name: 'curl', arch: 'amd64', fromVersion: '7.88.1-10+deb12u14', toVersion: '7.88.1-10+deb12u15' },
      { name: 'libcurl4', arch: 'amd64', fromVersion: '7.88.1-10+deb12u14', toVersion: '7.88.1-10+deb12u15' },
    ]);
    assert.deepEqual(result.warnings, [
      'libcurl3-gnutls is at nothing after the install, not 7.88.1-10+deb12u15',
      'libcurl3-nss is at nothing after the install, not 7.88.1-10+deb12u15',
    ]);
  });

  it('reports apt waiting for the dpkg lock as progress', async () => {
    const fake = new FakeApt()
      .on('dpkg-query holds', { stdout: [] })
      .on('apt-get install', curlDryRun, {
        stderr: [
          'Waiting for cache lock: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 77 (unattended-upgr)...',
        ],
      })
      .on('dpkg-query', dpkgBefore);
    const { apt } = await aptWith(fake);
    const progress: InstallProgress[] = [];
    value(await apt.install({ packages: [{ name: 'curl' }] }, (p) => progress.push(p)));
    assert.equal(progress[0]?.stage, 'waiting');
    assert.match(progress[0]?.message ?? '', /held by process 77 \(unattended-upgr\)/);
  });

  it('gives up when the dpkg lock stays busy, naming the holder', async () => {
    const fake = new FakeApt()
      .on('dpkg-query holds', { stdout: [] })
      .on('apt-get install', curlDryRun, {
        exitCode: 100,
        stderr: [
          'E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 77 (unattended-upgr)',
          'E: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), is another process using it?',
        ],
      })
      .on('dpkg-query', dpkgBefore);
    const { apt } = await aptWith(fake, { lockTimeoutSeconds: 0 });
    const outcome = await apt.install({ packages: [{ name: 'curl' }] }, () => {});
    assert.equal(!outcome.ok && outcome.code, 'lock-timeout');
    assert.match(
      !outcome.ok ? outcome.message : '',
      /gave up after waiting 0 s .*held by process 77 \(unattended-upgr\)/,
    );
  });

  it('reports a failed install with apt errors and what did change', async () => {
    const fake = new FakeApt()
      .on('dpkg-query holds', { stdout: [] })
      .on('apt-get install', curlDryRun, downloaded, {
        exitCode: 100,
        stderr: [
          'E: Sub-process /usr/bin/dpkg returned an error code (1)',
          "E: dpkg was interrupted, you must manually run 'dpkg --configure -a' to correct the problem.",
        ],
      })
      .on('dpkg-query', dpkgBefore);
    const { apt } = await aptWith(fake);
    const outcome = await apt.install({ packages: [{ name: 'curl' }] }, () => {});
    assert.equal(!outcome.ok && outcome.code, 'install-failed');
    assert.match(
      !outcome.ok ? outcome.message : '',
      /E: Sub-process \/usr\/bin\/dpkg returned an error code \(1\).*\(dpkg was interrupted: run dpkg --configure -a\)$/,
    );
  });

  it('stops before dpkg when the download fails: nothing changed, no install run', async () => {
    const fake = new FakeApt()
      .on('dpkg-query holds', { stdout: [] })
      .on('apt-get install', curlDryRun, {
        exitCode: 100,
        stderr: ['E: Failed to fetch http://deb.debian.org/pool/curl.deb  404  Not Found'],
      })
      .on('dpkg-query', dpkgBefore);
    const { apt } = await aptWith(fake);
    const outcome = await apt.install({ packages: [{ name: 'curl' }] }, () => {});
    assert.equal(!outcome.ok && outcome.code, 'download-failed', JSON.stringify(outcome));
    assert.match(!outcome.ok ? outcome.message : '', /nothing was changed.*404 {2}Not Found/);
    assert.equal(fake.callsTo('apt-get install').length, 2, 'the dry run and the download, no install');
  });

  it('does not run apt at all for a request with nothing to upgrade', async () => {
    const fake = new FakeApt()
      .on('dpkg-query holds', { stdout: [] })
      .on('apt-get install', { stdout: ['curl is already the newest version (7.88.1-10+deb12u15).'] });
    const { apt } = await aptWith(fake);
    const result = value(await apt.install({ packages: [{ name: 'curl' }] }, () => {}));
    assert.deepEqual(result.changed, []);
    assert.equal(fake.callsTo('apt-get install').length, 1, 'only the dry run');
  });
});

describe('apt plugin: detect and reboot status', () => {
  it('reports apt missing instead of failing', async () => {
    const { apt } = await aptWith(new FakeApt());
    assert.deepEqual(value(await apt.detect()), { available: false, reason: 'apt-get is not installed' });
  });

  it('needs a reboot when needrestart says the running kernel is not the newest', async () => {
    const fake = new FakeApt().on('/usr/sbin/needrestart', {
      stdout: [
        'NEEDRESTART-VER: 3.6',
        'NEEDRESTART-KCUR: 6.1.0-13-amd64',
        'NEEDRESTART-KEXP: 6.1.0-18-amd64',
        'NEEDRESTART-KSTA: 3',
      ],
    });
    const { apt } = await aptWith(fake, { needrestartPath: '/usr/sbin/needrestart' });
    const status = value(await apt.rebootRequired());
    assert.deepEqual(fake.calls[0]?.args, ['-b', '-r', 'l', '-k', '-w']);
    assert.deepEqual(status, {
      required: true,
      packages: [],
      reasons: ['the running kernel 6.1.0-13-amd64 is not the newest installed (6.1.0-18-amd64)'],
    });
  });

  it('does without needrestart when it is not installed, and reads the flag file', async () => {
    const fake = new FakeApt();
    const { apt, scratch } = await aptWith(fake, { needrestartPath: '/usr/sbin/needrestart' });
    assert.equal(value(await apt.rebootRequired()).required, false);
    writeFileSync(join(scratch, 'reboot-required'), '');
    writeFileSync(join(scratch, 'reboot-required.pkgs'), 'linux-image-6.1.0-18-amd64\n\n');
    assert.deepEqual(value(await apt.rebootRequired()), {
      required: true,
      packages: ['linux-image-6.1.0-18-amd64'],
      reasons: [`${join(scratch, 'reboot-required')} exists`],
    });
  });
});
