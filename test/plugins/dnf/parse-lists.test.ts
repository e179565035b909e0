import assert from 'node:assert/strict';
import { rateUpdate } from '../../../plugins/dnf/advisories.js';
import { parseInstalled } from '../../../plugins/dnf/installed.js';
import { parseAdvisoryJson, parseUpdateinfoList } from '../../../plugins/dnf/parse-advisories.js';
import { parseCheckUpdate } from '../../../plugins/dnf/parse-check-update.js';
import { parseNeedsRestarting } from '../../../plugins/dnf/parse-needs-restarting.js';
import { parseProgressLine } from '../../../plugins/dnf/parse-progress.js';
import { parseRepoquery } from '../../../plugins/dnf/parse-repoquery.js';
import { parseVersionlock } from '../../../plugins/dnf/parse-versionlock.js';
import { dnfFixture } from './helpers/fixtures.js';

const LONG = 'rf-test-this-is-a-very-long-package-name-that-will-not-fit-into-any-column-of-the-dnf-table';
const LONG_EVR = '3:1.0.2020.11.23.very.long.version.string.for.testing-1';

describe('dnf: parsing update lists', () => {
  it('repoquery --upgrades with the query format', () => {
    const parsed = parseRepoquery(dnfFixture('dnf-repoquery-upgrades.stdout'));
    assert.deepEqual(parsed.warnings, []);
    assert.deepEqual(parsed.candidates, [
      { name: 'rf-test-a', arch: 'noarch', evr: '1.1-1', repo: 'rftest' },
      { name: 'rf-test-c', arch: 'noarch', evr: '1:2.0-1', repo: 'rftest' },
      { name: 'rf-test-d', arch: 'noarch', evr: '2.0-1', repo: 'rftest' },
      { name: LONG, arch: 'noarch', evr: LONG_EVR, repo: 'rftest' },
    ]);
    // dnf5 before 5.2.6 printed repository loading on stdout; dnf4 its metadata check.
    const chatty = parseRepoquery([
      'Updating and loading repositories:',
      ' Fedora 41 - x86_64 - Updates                     100% |  12.3 KiB/s |  11.9 KiB |  00m01s',
      'Repositories loaded.',
      'Last metadata expiration check: 0:00:03 ago on Sun Nov 22 21:42:26 2026.',
      'bash|0|5.2.32|1.fc41|x86_64|updates',
      '',
    ]);
    assert.deepEqual(chatty.warnings, []);
    assert.equal(chatty.candidates.length, 1);
  });

  it('check-update (exit 100): the captured layouts, the Obsoleting section, a wrapped name', () => {
    for (const fixture of ['dnf-check-update.txt', 'dnf-check-update-q.txt', 'dnf-check-update2.stdout']) {
      const parsed = parseCheckUpdate(dnfFixture(fixture));
      assert.deepEqual(parsed.warnings, [], fixture);
      assert.deepEqual(
        parsed.candidates.map((c) => [c.name, c.arch, c.evr, c.repo]),
        [
          ['baz', 'noarch', '2.1-1', 'testupdates'],
          ['foo', 'noarch', '1.1-1', 'testupdates'],
        ],
        fixture,
      );
    }
    const wide = parseCheckUpdate(dnfFixture('dnf-check-update-obsoletes.stdout'));
    assert.deepEqual(wide.warnings, []);
    assert.deepEqual(
      wide.candidates.map((c) => c.name),
      ['rf-test-a', 'rf-test-c', 'rf-test-d', LONG],
    );
    // yum 3 (against fixture-shaped output): plugin banner, mirrors, a name alone on its line.
    const yum = parseCheckUpdate([
      'Loaded plugins: fastestmirror',
      'Loading mirror speeds from cached hostfile',
      ' * base: mirror.example.invalid',
      '',
      'python-a-very-long-package-name-for-yum.noarch',
      '                                  2.0-1.el7                        updates',
      'kernel.x86_64                     3.10.0-1160.119.1.el7            updates',
    ]);
    assert.deepEqual(yum.warnings, []);
    assert.deepEqual(
      yum.candidates.map((c) => [c.name, c.evr]),
      [
        ['python-a-very-long-package-name-for-yum', '2.0-1.el7'],
        ['kernel', '3.10.0-1160.119.1.el7'],
      ],
    );
  });
});

describe('dnf: parsing advisories', () => {
  it('updateinfo list: every label, epochs in the NEVRA, the -v date column', () => {
    const parsed = parseUpdateinfoList(dnfFixture('dnf-updateinfo-list.stdout'));
    assert.deepEqual(parsed.warnings, []);
    assert.deepEqual(
      parsed.advisories.map((a) => [a.id, a.label, a.package.name, a.package.evr]),
      [
        ['RF-2026-0001', 'Important/Sec.', 'rf-test-a', '1.1-1'],
        ['RF-2026-0002', 'Low/Sec.', 'rf-test-c', '1:2.0-1'],
        ['RF-2026-0003', 'bugfix', 'rf-test-d', '2.0-1'],
        ['RF-2026-0004', 'Unknown/Sec.', LONG, LONG_EVR],
      ],
    );
    // With -v, dnf4 adds the issue date after the package.
    const verbose = dnfFixture('dnf-updateinfo.txt').filter((l) => /^FEDORA-.* \d{4}-\d\d-\d\d /.test(l));
    const dated = parseUpdateinfoList(verbose);
    assert.deepEqual(dated.warnings, []);
    assert.deepEqual(
      dated.advisories.map((a) => [a.id, a.label, a.package.name]),
      [
        ['FEDORA-2025-def456', 'bugfix', 'baz'],
        ['FEDORA-2025-abc123', 'Important/Sec.', 'foo'],
      ],
    );
  });

  it('advisory list --json (dnf5, against fixture-shaped output)', () => {
    // The fields libdnf5-cli/output/advisorylist.cpp writes.
    const parsed = parseAdvisoryJson(
      JSON.stringify([
        {
          name: 'FEDORA-2025-abc123',
          type: 'security',
          severity: 'Important',
          nevra: 'foo-1.1-1.noarch',
          buildtime: '2025-05-02 00:00:00',
        },
        {
          name: 'FEDORA-2025-def456',
          type: 'bugfix',
          severity: 'None',
          nevra: 'baz-0:2.1-1.noarch',
          buildtime: '2025-05-03 00:00:00',
        },
        {
          name: 'FEDORA-2025-0no0sv',
          type: 'security',
          severity: '',
          nevra: 'qux-2:1.0-1.fc41.x86_64',
          buildtime: '',
        },
        { name: 'broken', type: 'security', severity: 'Low', nevra: 'not a nevra' },
      ]),
    );
    assert.deepEqual(
      parsed.advisories.map((a) => [a.id, a.label, a.package.name, a.package.evr, a.package.arch]),
      [
        ['FEDORA-2025-abc123', 'Important/Sec.', 'foo', '1.1-1', 'noarch'],
        ['FEDORA-2025-def456', 'bugfix', 'baz', '2.1-1', 'noarch'],
        ['FEDORA-2025-0no0sv', 'Unknown/Sec.', 'qux', '2:1.0-1.fc41', 'x86_64'],
      ],
    );
    assert.equal(parsed.warnings.length, 1);
    assert.deepEqual(parseAdvisoryJson('[]'), { advisories: [], warnings: [] });
    assert.equal(parseAdvisoryJson('{').warnings.length, 1);
  });

  it('rates an update by the most urgent advisory between the installed and the new version', () => {
    const { advisories } = parseUpdateinfoList([
      'A-1 Low/Sec.       foo-1.1-1.x86_64',
      'A-2 Critical/Sec.  foo-1.2-1.x86_64',
      'A-3 bugfix         foo-1.3-1.x86_64',
      'A-4 Important/Sec. foo-1.4-1.x86_64',
      'A-5 Moderate/Sec.  foo-1.2-1.i686',
    ]);
    const rate = (fromEvr: string, toEvr: string) =>
      rateUpdate(advisories, { name: 'foo', arch: 'x86_64', fromEvr, toEvr });
    assert.deepEqual(rate('1.0-1', '1.3-1'), {
      severity: 'critical',
      security: true,
      advisories: ['A-2', 'A-1', 'A-3'],
    });
    assert.deepEqual(rate('1.2-1', '1.3-1'), { severity: 'low', security: false, advisories: ['A-3'] });
    assert.deepEqual(rate('1.3-1', '1.3-1'), { severity: 'unknown', security: false, advisories: [] });
  });
});

describe('dnf: parsing holds, reboot status, progress, the rpm database', () => {
  it('versionlock list: dnf4 (captured, excludes skipped), dnf5 and yum 3 (fixture-shaped)', () => {
    assert.deepEqual(parseVersionlock(dnfFixture('dnf-versionlock-list.stdout')), {
      names: ['rf-test-a', 'rf-test-c'],
      warnings: [],
    });
    assert.deepEqual(
      parseVersionlock([
        "# Added by 'versionlock add' command on 2026-09-05 16:14:05",
        'Package name: restic',
        'evr = 0.18.1-1.fc42',
        'Package name: kernel-core',
        'evr = 6.11.4-201.fc41',
      ]).names,
      ['restic', 'kernel-core'],
    );
    assert.deepEqual(
      parseVersionlock([
        'Loaded plugins: fastestmirror, versionlock',
        '0:bash-4.2.46-34.el7.*',
        'versionlock list done',
      ]).names,
      ['bash'],
    );
    assert.deepEqual(parseVersionlock(['what is this']).warnings, [
      'unreadable versionlock entry: "what is this"',
    ]);
  });

  it('needs-restarting -r: required with packages, or not', () => {
    assert.deepEqual(parseNeedsRestarting(dnfFixture('dnf-needs-restarting-required.stdout')), {
      required: true,
      notRequired: false,
      packages: ['dbus'],
    });
    assert.deepEqual(parseNeedsRestarting(dnfFixture('dnf-needs-restarting-not-required.stdout')), {
      required: false,
      notRequired: true,
      packages: [],
    });
  });

  it('install progress: dnf4 steps (captured), downloads, dnf5 steps (fixture-shaped), the lock wait', () => {
    const steps = dnfFixture('dnf-upgrade-y.stdout')
      .map(parseProgressLine)
      .filter((p) => p !== null);
    assert.equal(steps.length, 15); // Preparing, 7 transaction steps, 7 verifications
    assert.deepEqual(steps[1], {
      stage: 'install',
      percent: 12.9,
      message: 'Installing rf-test-b-1.0-1.noarch',
      package: 'rf-test-b',
    });
    assert.deepEqual(steps.at(-1), {
      stage: 'install',
      percent: 100,
      message: 'Verifying rf-test-c-3.0-1.noarch',
      package: 'rf-test-c',
    });
    assert.deepEqual(
      parseProgressLine('(2/3): rf-test-a-1.1-1.noarch.rpm           1.2 MB/s | 5.4 kB     00:00'),
      {
        stage: 'download',
        percent: 66.7,
        message: 'Downloaded rf-test-a-1.1-1.noarch.rpm',
        package: 'rf-test-a',
      },
    );
    assert.deepEqual(
      parseProgressLine(
        '[4/5] Upgrading rf-test-a-0:1.1-1.noarch            100% |   1.0 KiB/s |   5.4 KiB |  00m00s',
      ),
      {
        stage: 'install',
        percent: 80,
        message: 'Upgrading rf-test-a-0:1.1-1.noarch',
        package: 'rf-test-a',
      },
    );
    assert.equal(
      parseProgressLine('[1/2] rf-test-a-0:1.1-1.noarch   100% |  12.0 KiB/s |   5.4 KiB |  00m00s')?.stage,
      'download',
    );
    assert.equal(parseProgressLine('Waiting for process with pid 4242 to finish.')?.stage, 'waiting');
    for (const line of ['Complete!', 'Running transaction', '  Upgrading : x 9/3', '[0/0] nothing'])
      assert.equal(parseProgressLine(line), null);
  });

  it('rpm -qa: the newest copy of an install-only package; gpg-pubkey skipped; bad lines reported', () => {
    const { installed, warnings } = parseInstalled([
      ...dnfFixture('rpm-qa.stdout'),
      'kernel|0|6.8.5|301.fc40|x86_64',
      'kernel|0|6.10.0|1.fc40|x86_64',
      'kernel|0|6.9.0|100.fc40|x86_64',
      'gpg-pubkey|0|a15b79cc|63d04c2c|(none)',
      'broken line',
    ]);
    assert.equal(installed.get('kernel.x86_64')?.evr, '6.10.0-1.fc40');
    assert.equal(installed.get('rf-test-c.noarch')?.evr, '3.0-1');
    assert.equal(installed.size, 6);
    assert.deepEqual(warnings, ['unreadable line in rpm -qa: "broken line"']);
  });
});
