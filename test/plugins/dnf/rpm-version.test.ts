import assert from 'node:assert/strict';
import { dnfPackageArguments, parseNevra } from '../../../plugins/dnf/package-names.js';
import { compareEvr, normalizeEvr, rpmvercmp } from '../../../plugins/dnf/rpm-version.js';

// rpm's own cases (tests/rpmvercmp.at): `a b expected`.
const RPMVERCMP_CASES = `
1.0 1.0 0|1.0 2.0 -1|2.0 1.0 1|2.0.1 2.0.1 0|2.0 2.0.1 -1|2.0.1 2.0 1|2.0.1a 2.0.1a 0|2.0.1a 2.0.1 1
2.0.1 2.0.1a -1|5.5p1 5.5p1 0|5.5p1 5.5p2 -1|5.5p2 5.5p1 1|5.5p10 5.5p10 0|5.5p1 5.5p10 -1|5.5p10 5.5p1 1
10xyz 10.1xyz -1|10.1xyz 10xyz 1|xyz10 xyz10 0|xyz10 xyz10.1 -1|xyz10.1 xyz10 1|xyz.4 xyz.4 0|xyz.4 8 -1
8 xyz.4 1|xyz.4 2 -1|2 xyz.4 1|5.5p2 5.6p1 -1|5.6p1 5.5p2 1|5.6p1 6.5p1 -1|6.5p1 5.6p1 1|6.0.rc1 6.0 1
6.0 6.0.rc1 -1|10b2 10a1 1|10a2 10b2 -1|1.0aa 1.0aa 0|1.0a 1.0aa -1|1.0aa 1.0a 1|10.0001 10.0001 0
10.0001 10.1 0|10.1 10.0001 0|10.0001 10.0039 -1|10.0039 10.0001 1|4.999.9 5.0 -1|5.0 4.999.9 1
20101121 20101121 0|20101121 20101122 -1|20101122 20101121 1|2_0 2_0 0|2.0 2_0 0|2_0 2.0 0|a a 0|a+ a+ 0
a+ a_ 0|a_ a+ 0|+a +a 0|+a _a 0|_a +a 0|+_ +_ 0|_+ +_ 0|_+ _+ 0|+ _ 0|_ + 0|1.0~rc1 1.0~rc1 0
1.0~rc1 1.0 -1|1.0 1.0~rc1 1|1.0~rc1 1.0~rc2 -1|1.0~rc2 1.0~rc1 1|1.0~rc1~git123 1.0~rc1~git123 0
1.0~rc1~git123 1.0~rc1 -1|1.0~rc1 1.0~rc1~git123 1|1.0^ 1.0^ 0|1.0^ 1.0 1|1.0 1.0^ -1|1.0^git1 1.0^git1 0
1.0^git1 1.0 1|1.0 1.0^git1 -1|1.0^git1 1.0^git2 -1|1.0^git2 1.0^git1 1|1.0^git1 1.01 -1|1.01 1.0^git1 1
1.0^20160101 1.0^20160101 0|1.0^20160101 1.0.1 -1|1.0.1 1.0^20160101 1
1.0^20160101^git1 1.0^20160101^git1 0|1.0^20160102 1.0^20160101^git1 1|1.0^20160101^git1 1.0^20160102 -1
1.0~rc1^git1 1.0~rc1^git1 0|1.0~rc1^git1 1.0~rc1 1|1.0~rc1 1.0~rc1^git1 -1|1.0^git1~pre 1.0^git1~pre 0
1.0^git1 1.0^git1~pre 1|1.0^git1~pre 1.0^git1 -1`;

describe('dnf: RPM versions and names', () => {
  it('rpmvercmp agrees with every case of rpm’s own test suite', () => {
    const cases = RPMVERCMP_CASES.replace(/\n/g, '|')
      .split('|')
      .filter(Boolean)
      .map((c) => c.split(' '));
    assert.ok(cases.length > 90);
    for (const [a = '', b = '', expected = ''] of cases)
      assert.equal(rpmvercmp(a, b), Number(expected), `${a} vs ${b}`);
  });

  it('compares epoch first, then version, then release', () => {
    assert.ok(compareEvr('1:2.0-1', '3.0-1') > 0);
    assert.ok(compareEvr('0:3.0-1', '3.0-1') === 0);
    assert.ok(compareEvr('3.0-2.fc40', '3.0-10.fc40') < 0);
    assert.ok(compareEvr('3.0', '3.0-7') === 0, 'a version without a release matches any release');
    assert.equal(normalizeEvr('0:1.0-1'), '1.0-1');
    assert.equal(normalizeEvr('02:1.0-1'), '2:1.0-1');
  });

  it('splits a NEVRA: dashes in the name, dots in the release, epochs', () => {
    assert.deepEqual(parseNevra('python3-dnf-plugin-versionlock-0:4.5.0-1.fc42.noarch'), {
      name: 'python3-dnf-plugin-versionlock',
      evr: '4.5.0-1.fc42',
      arch: 'noarch',
    });
    assert.deepEqual(parseNevra('kernel-core-6.9.1-200.fc40.x86_64'), {
      name: 'kernel-core',
      evr: '6.9.1-200.fc40',
      arch: 'x86_64',
    });
    for (const bad of ['foo', 'foo-1.0.noarch', '-1.0-1.noarch', 'foo-1.0-1.', 'foo bar-1.0-1.noarch'])
      assert.equal(parseNevra(bad), null, bad);
  });

  it('builds package arguments: pins as name-epoch:version-release[.arch], never an option or a glob', () => {
    assert.deepEqual(
      dnfPackageArguments([
        { name: 'bash' },
        { name: 'glibc', arch: 'x86_64' },
        { name: 'rf-test-c', version: '1:2.0-1', arch: 'noarch' },
        { name: 'gtk+', version: '2.24.33-1' },
      ]),
      ['bash', 'glibc.x86_64', 'rf-test-c-1:2.0-1.noarch', 'gtk+-0:2.24.33-1'],
    );
    for (const ref of [
      { name: '-y' },
      { name: 'ba*' },
      { name: 'bash', version: '1.0 --setopt=x' },
      { name: 'bash', arch: 'x86_64 ' },
      { name: 'bash[1]' },
    ])
      assert.throws(() => dnfPackageArguments([ref]), {
        name: 'PluginError',
        code: 'invalid-request',
      } as object);
    assert.throws(() => dnfPackageArguments([]), { code: 'invalid-request' } as object);
  });
});
