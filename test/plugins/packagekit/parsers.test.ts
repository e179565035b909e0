import assert from 'node:assert/strict';
import { bitfield, errorName, FILTER, TRANSACTION_FLAG } from '../../../plugins/packagekit/enums.js';
import { parsePackageId, sourceOf } from '../../../plugins/packagekit/package-id.js';
import {
  parseChangedNumbers,
  parsePackagesBody,
  parsePackageTuple,
  splitInfo,
} from '../../../plugins/packagekit/parse-signals.js';
import { rateUpdate } from '../../../plugins/packagekit/severity.js';

describe('packagekit plugin: enums, package ids and signal bodies', () => {
  it('bitfields are 1 << value: filter none 2, installed 4, simulate + only-trusted 6', () => {
    assert.equal(bitfield(FILTER.none), 2);
    assert.equal(bitfield(FILTER.installed), 4);
    assert.equal(bitfield(TRANSACTION_FLAG.onlyTrusted), 2);
    assert.equal(bitfield(TRANSACTION_FLAG.onlyTrusted, TRANSACTION_FLAG.simulate), 6);
    assert.equal(errorName(13), 'dep-resolution-failed');
    assert.equal(errorName(10), 'package-download-failed');
    assert.equal(errorName(999), 'error-999');
  });

  it('info: low 16 bits the kind, high 16 bits the severity (0x50005 from the real apt backend)', () => {
    assert.deepEqual(splitInfo(327685), { info: 'normal', severity: 'normal' });
    assert.deepEqual(splitInfo(8), { info: 'security', severity: 'unknown' });
    assert.deepEqual(splitInfo(0x1a0007), { info: 'important', severity: 'critical' });
    assert.deepEqual(
      splitInfo(0xffff),
      { info: 'unknown', severity: 'unknown' },
      'unknown values are unknown',
    );
  });

  it('rates through the one PackageKit table, security apart', () => {
    const rate = (info: number) => {
      const parsed = parsePackageTuple([info, 'x;1;amd64;repo', '']);
      assert.ok(parsed.ok);
      return rateUpdate(parsed.value);
    };
    assert.deepEqual(rate(0x30008), { severity: 'low', security: true });
    assert.deepEqual(rate(8), { severity: 'high', security: true });
    assert.deepEqual(rate(26), { severity: 'critical', security: false });
    assert.deepEqual(rate(6), { severity: 'low', security: false });
    assert.deepEqual(rate(0x50005), { severity: 'unknown', security: false });
    assert.deepEqual(rate(9), { severity: 'unknown', security: false });
  });

  it('package ids: four fields; the source without the installed-state prefix', () => {
    const id = parsePackageId('rf-pk-b;1.0;all;+auto:redflag_test-rf-test-');
    assert.deepEqual(id, {
      id: 'rf-pk-b;1.0;all;+auto:redflag_test-rf-test-',
      name: 'rf-pk-b',
      version: '1.0',
      arch: 'all',
      data: '+auto:redflag_test-rf-test-',
    });
    assert.equal(sourceOf(id!), 'redflag_test-rf-test-');
    assert.equal(sourceOf(parsePackageId('a;1;x;manual:debian-bookworm-main')!), 'debian-bookworm-main');
    assert.equal(sourceOf(parsePackageId('a;1;x;installed')!), '');
    for (const bad of ['a;1;x', 'a;1;x;y;z', ';1;x;y', 'a;;x;y', '-a;1;x;y', 'a;1 2;x;y', 42, null])
      assert.equal(parsePackageId(bad), null, String(bad));
  });

  it('Packages: every readable entry, a problem for each other one', () => {
    const parsed = parsePackagesBody([
      [
        [5, 'a;1;all;r', 's'],
        [5, 'broken', 's'],
        ['5', 'b;1;all;r', 's'],
        [12, 'c;2;all;r', ''],
      ],
    ]);
    assert.deepEqual(
      parsed.packages.map((p) => [p.pkg.name, p.info]),
      [
        ['a', 'normal'],
        ['c', 'installing'],
      ],
    );
    assert.equal(parsed.problems.length, 2);
    assert.deepEqual(parsePackagesBody(['nope']).packages, []);
  });

  it('PropertiesChanged: u32 values out of dbus-native variants', () => {
    const body = [
      'org.freedesktop.PackageKit.Transaction',
      [
        ['Percentage', [[{ type: 'u', child: [] }], [42]]],
        ['LastPackage', [[{ type: 's', child: [] }], ['x']]],
      ],
      [],
    ];
    assert.deepEqual([...parseChangedNumbers(body)], [['Percentage', 42]]);
  });
});
