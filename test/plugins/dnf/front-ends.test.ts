import assert from 'node:assert/strict';
import { type HostedPackageManager, type LogEntry, PluginHost } from '../../../plugins/sdk/index.js';
import { StubTools } from './helpers/stub-tools.js';
import { value } from '../sdk/outcome.js';

/**
 * dnf5 and yum cannot run on Debian: these tests put stub programs on PATH that answer with
 * output shaped like theirs (from dnf5's sources and yum 3's known output), and run the real
 * plugin against them as real processes. dnf itself runs for real in dnf-real.test.ts.
 */
let stubs: StubTools | undefined;
const hosts: PluginHost[] = [];
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.stop()));
  stubs?.restore();
  stubs = undefined;
});

async function start(config: Record<string, unknown> = {}) {
  const logs: LogEntry[] = [];
  const host = new PluginHost({
    modules: [{ id: 'plugins/dnf', load: () => import('../../../plugins/dnf/index.js') }],
    accept: ['package-manager'],
    configs: { dnf: config },
    log: (entry) => logs.push(entry),
  });
  hosts.push(host);
  const [status] = await host.start();
  assert.equal(status?.state, 'active', status?.message);
  return { dnf: host.packageManager('dnf')! as HostedPackageManager, logs };
}

const RPM_QA = ['bash|0|5.2.26|1.fc41|x86_64', 'glibc|0|2.40|3.fc41|x86_64', 'curl|0|8.9.1|2.fc41|x86_64'];

describe('dnf plugin: which front end (stub programs on PATH)', () => {
  for (const [programs, expected] of [
    [['dnf5', 'dnf', 'yum'], 'dnf5'],
    [['dnf', 'yum'], 'dnf'],
    [['yum'], 'yum'],
  ] as const) {
    it(`${programs.join(', ')} on PATH: uses ${expected}`, async () => {
      stubs = new StubTools(programs);
      for (const program of programs)
        stubs.answer(program, 'version', {
          stdout: program === 'dnf5' ? ['dnf5 version 5.2.8.1', 'dnf5 plugin API version 2.0'] : ['4.14.0'],
        });
      const { dnf, logs } = await start();
      assert.equal(value(await dnf.detect()).available, true);
      assert.deepEqual(stubs.calls(), [`${expected} --version`]);
      const version = expected === 'dnf5' ? '5.2.8.1' : '4.14.0';
      const using = `using ${expected} at ${stubs.dir}/${expected} (${version})`;
      assert.ok(
        logs.some((l) => l.message.endsWith(using)),
        logs.map((l) => l.message).join('\n'),
      );
    });
  }

  it('a configured front end is used even when a newer one is present; absent, it is reported', async () => {
    stubs = new StubTools(['dnf5', 'yum']).answer('yum', 'version', {
      stdout: ['3.4.3', '  Installed: yum-3.4.3-168.el7.centos.noarch'],
    });
    const { dnf } = await start({ tool: 'yum' });
    assert.deepEqual(value(await dnf.detect()), { available: true, version: '3.4.3' });
    const { dnf: missing } = await start({ tool: 'dnf' });
    assert.deepEqual(value(await missing.detect()), {
      available: false,
      reason: 'dnf is not installed (searched PATH)',
    });
  });

  it('a front end that fails --version is not available', async () => {
    stubs = new StubTools(['dnf']).answer('dnf', 'version', {
      exitCode: 1,
      stderr: ['Error: broken python'],
    });
    const { dnf } = await start();
    assert.deepEqual(value(await dnf.detect()), {
      available: false,
      reason: 'dnf --version exited with 1: Error: broken python',
    });
  });
});

describe('dnf plugin with dnf5 (against fixture-shaped output)', () => {
  beforeEach(() => {
    stubs = new StubTools(['dnf5', 'rpm'])
      .answer('rpm', 'run', { stdout: RPM_QA })
      .answer('dnf5', 'repoquery', {
        stdout: ['bash|0|5.2.32|1.fc41|x86_64|updates', 'glibc|0|2.40|9.fc41|x86_64|updates-testing'],
        // dnf5 ≥ 5.2.6 loads repositories on stderr (fixtures README).
        stderr: [
          'Updating and loading repositories:',
          ' Fedora 41 - x86_64 - Updates  100% |  12.3 KiB/s |  11.9 KiB |  00m01s',
          'Repositories loaded.',
        ],
      })
      .answer('dnf5', 'advisory', {
        stdout: [
          JSON.stringify(
            [
              {
                name: 'FEDORA-2026-1111',
                type: 'security',
                severity: 'Critical',
                nevra: 'glibc-2.40-9.fc41.x86_64',
                buildtime: '2026-01-02 10:00:00',
              },
              {
                name: 'FEDORA-2026-2222',
                type: 'bugfix',
                severity: 'None',
                nevra: 'bash-5.2.32-1.fc41.x86_64',
                buildtime: '2026-01-03 10:00:00',
              },
            ],
            null,
            3,
          ),
        ],
      })
      .answer('dnf5', 'versionlock', {
        stdout: [
          "# Added by 'versionlock add' command on 2026-01-05 16:14:05",
          'Package name: bash',
          'evr = 5.2.26-1.fc41',
        ],
      });
  });

  it('scans with repoquery (a newline in the query format) and advisory list --json', async () => {
    const { dnf } = await start({ installRoot: '/srv/root' });
    const scan = value(await dnf.scan());
    assert.deepEqual(scan.warnings, []);
    assert.equal(scan.complete, true);
    assert.deepEqual(
      scan.packages.map((p) => [
        p.name,
        p.currentVersion,
        p.availableVersion,
        p.severity,
        p.security,
        p.source,
        p.metadata,
      ]),
      [
        [
          'bash',
          '5.2.26-1.fc41',
          '5.2.32-1.fc41',
          'low',
          false,
          'updates',
          { advisories: ['FEDORA-2026-2222'], held: true, tool: 'dnf5' },
        ],
        [
          'glibc',
          '2.40-3.fc41',
          '2.40-9.fc41',
          'critical',
          true,
          'updates-testing',
          { advisories: ['FEDORA-2026-1111'], held: false, tool: 'dnf5' },
        ],
      ],
    );
    assert.deepEqual(stubs?.calls(), [
      'dnf5 --installroot=/srv/root --refresh repoquery --upgrades --latest-limit=1 --queryformat=%{name}|%{epoch}|%{version}|%{release}|%{arch}|%{repoid}\\n',
      'rpm --root /srv/root -qa --qf %{NAME}|%{EPOCHNUM}|%{VERSION}|%{RELEASE}|%{ARCH}\\n',
      'dnf5 --installroot=/srv/root -q advisory list --json',
      'dnf5 --installroot=/srv/root -q versionlock list',
    ]);
  });

  it('dry run: --skip-unavailable, the dnf5 table with its replaced versions', async () => {
    stubs?.answer('dnf5', 'upgrade', {
      exitCode: 1,
      stdout: [
        'Package              Arch   Version                Repository          Size',
        'Upgrading:',
        ' glibc               x86_64 2.40-9.fc41            updates-testing  6.7 MiB',
        '                            2.40-3.fc41            updates          6.7 MiB',
        'Installing dependencies:',
        ' glibc-gconv-extra   x86_64 2.40-9.fc41            updates-testing  7.8 MiB',
        '',
        'Transaction Summary:',
        ' Installing:         1 package',
        ' Upgrading:          1 package',
        ' Replacing:          1 package',
        '',
        'Total size of inbound packages is 3 MiB. Need to download 3 MiB.',
        'After this operation, 8 MiB extra will be used (install 14 MiB, remove 7 MiB).',
      ],
      stderr: ['Operation aborted by the user.'],
    });
    const { dnf } = await start();
    const transaction = value(await dnf.dryRun({ packages: [{ name: 'glibc' }] }));
    assert.ok(
      stubs?.calls().includes('dnf5 upgrade --assumeno --skip-unavailable glibc'),
      stubs?.calls().join('\n'),
    );
    assert.deepEqual(transaction, {
      upgrades: [
        {
          name: 'glibc',
          arch: 'x86_64',
          fromVersion: '2.40-3.fc41',
          toVersion: '2.40-9.fc41',
          source: 'updates-testing',
          security: true,
        },
      ],
      newPackages: [
        { name: 'glibc-gconv-extra', arch: 'x86_64', toVersion: '2.40-9.fc41', source: 'updates-testing' },
      ],
      removals: [],
      warnings: [],
    });
  });

  it('reboot: dnf5 needs-restarting -r; an unknown command is "not installed"', async () => {
    stubs?.answer('dnf5', 'needs-restarting', {
      exitCode: 1,
      stdout: [
        'Core libraries or services have been updated since boot-up:',
        '  * glibc',
        '',
        'Reboot is required to fully utilize these updates.',
      ],
    });
    const { dnf } = await start();
    assert.deepEqual(value(await dnf.rebootRequired()).packages, ['glibc']);
    stubs?.answer('dnf5', 'needs-restarting', {
      exitCode: 2,
      stderr: [
        'Unknown argument "needs-restarting" for command "dnf5". Add "--help" for more information about the arguments.',
      ],
    });
    assert.equal(value(await dnf.rebootRequired()).required, false);
  });
});

describe('dnf plugin with yum 3 (EL7, against fixture-shaped output)', () => {
  beforeEach(() => {
    stubs = new StubTools(['yum', 'rpm', 'needs-restarting'])
      .answer('rpm', 'run', { stdout: ['bash|0|4.2.46|34.el7|x86_64', 'kernel|0|3.10.0|1160.el7|x86_64'] })
      .answer('yum', 'check-update', {
        exitCode: 100,
        stdout: [
          'Loaded plugins: fastestmirror, versionlock',
          'Loading mirror speeds from cached hostfile',
          ' * base: mirror.example.invalid',
          '',
          'bash.x86_64                        4.2.46-35.el7_9                   updates',
          'kernel.x86_64                      3.10.0-1160.119.1.el7             updates',
        ],
      })
      .answer('yum', 'updateinfo', {
        stdout: [
          'Loaded plugins: fastestmirror',
          'RHSA-2024:1234 Important/Sec. kernel-3.10.0-1160.119.1.el7.x86_64',
          'updateinfo list done',
        ],
      })
      .answer('yum', 'versionlock', {
        stdout: ['Loaded plugins: fastestmirror, versionlock', 'versionlock list done'],
      })
      .answer('needs-restarting', 'run', {
        exitCode: 1,
        stdout: [
          'Core libraries or services have been updated:',
          '  kernel -> 3.10.0-1160.119.1.el7',
          '',
          'Reboot is required to ensure that your system benefits from these updates.',
        ],
      });
  });

  it('scans with check-update (exit 100) and updateinfo list, without --refresh', async () => {
    const { dnf } = await start();
    const scan = value(await dnf.scan());
    assert.deepEqual(scan.warnings, []);
    assert.deepEqual(
      scan.packages.map((p) => [
        p.name,
        p.currentVersion,
        p.availableVersion,
        p.severity,
        p.security,
        p.rebootRequired,
      ]),
      [
        ['bash', '4.2.46-34.el7', '4.2.46-35.el7_9', 'unknown', false, undefined],
        ['kernel', '3.10.0-1160.el7', '3.10.0-1160.119.1.el7', 'high', true, true],
      ],
    );
    assert.equal(stubs?.calls()[0], 'yum check-update');
  });

  it('reboot: the yum-utils needs-restarting program', async () => {
    const { dnf } = await start();
    const status = value(await dnf.rebootRequired());
    assert.equal(status.required, true);
    assert.deepEqual(status.packages, ['kernel']);
    assert.deepEqual(stubs?.calls(), ['needs-restarting -r']);
  });
});
