import assert from 'node:assert/strict';
import { parseTransaction } from '../../../plugins/dnf/parse-transaction.js';
import type { TransactionItem } from '../../../plugins/sdk/index.js';
import { dnfFixture } from './helpers/fixtures.js';

const brief = (items: TransactionItem[]) =>
  items.map((i) => [i.name, i.arch, i.fromVersion, i.toVersion, i.source]);

/**
 * dnf4's Output.fmtColumns (dnf/cli/output.py), for tables the captures do not show: a value
 * wider than its column ends the line, and the next column goes on below, under its own start.
 */
function fmtRow(values: string[], widths: number[]): string {
  let line = ' ';
  let total = 1;
  values.slice(0, -1).forEach((value, i) => {
    const width = widths[i] ?? 0;
    line += value.length <= width ? `${value.padEnd(width)} ` : `${value}\n${' '.repeat(total + width + 1)}`;
    total += width + 1;
  });
  return line + (values.at(-1) ?? '').padStart(widths.at(-1) ?? 0);
}

describe('dnf: parsing the transaction table of upgrade --assumeno', () => {
  it('reads the captured table: upgrades, a new dependency, no removals (shared fixture)', () => {
    const parsed = parseTransaction([
      ...dnfFixture('dnf-upgrade-assumeno.stdout'),
      ...dnfFixture('dnf-upgrade-assumeno.stderr'),
    ]);
    assert.deepEqual(parsed.warnings, []);
    assert.equal(parsed.table, true);
    assert.deepEqual(brief(parsed.transaction.upgrades), [
      ['baz', 'noarch', undefined, '2.1-1', 'testupdates'],
      ['foo', 'noarch', undefined, '1.1-1', 'testupdates'],
    ]);
    assert.deepEqual(brief(parsed.transaction.newPackages), [
      ['bar', 'noarch', undefined, '1.0-1', 'testupdates'],
    ]);
    assert.deepEqual(parsed.transaction.removals, []);
  });

  it('reads a widened table with a long name and an epoch (shared fixture)', () => {
    const parsed = parseTransaction(dnfFixture('dnf-install-long-assumeno.txt'));
    assert.deepEqual(parsed.warnings, []);
    assert.deepEqual(
      parsed.transaction.newPackages.map((p) => [p.name, p.toVersion]),
      [
        ['a-really-long-package-name-for-wrapping-tests-xyz', '2:10.20.30-1.fc39'],
        ['bar', '1.0-1'],
      ],
    );
  });

  it('reads every section of a full upgrade: obsoletes, weak dependencies, a 172-column table', () => {
    const parsed = parseTransaction([
      ...dnfFixture('dnf-upgrade-all-assumeno.stdout'),
      ...dnfFixture('dnf-upgrade-all-assumeno.stderr'),
    ]);
    assert.deepEqual(parsed.warnings, []);
    const long =
      'rf-test-this-is-a-very-long-package-name-that-will-not-fit-into-any-column-of-the-dnf-table';
    assert.deepEqual(brief(parsed.transaction.upgrades), [
      ['rf-test-a', 'noarch', undefined, '1.1-1', 'rftest'],
      ['rf-test-c', 'noarch', undefined, '1:2.0-1', 'rftest'],
      ['rf-test-d', 'noarch', undefined, '2.0-1', 'rftest'],
      [long, 'noarch', undefined, '3:1.0.2020.11.23.very.long.version.string.for.testing-1', 'rftest'],
    ]);
    assert.deepEqual(
      parsed.transaction.newPackages.map((p) => p.name),
      ['rf-test-new', 'rf-test-b', 'rf-test-w'],
    );
    // rf-test-new obsoletes rf-test-old: the transaction removes it though no section says so.
    assert.deepEqual(parsed.transaction.removals, [
      { name: 'rf-test-old', arch: 'noarch', fromVersion: '1.0-1' },
    ]);
    assert.deepEqual(parsed.notes, ['rf-test-new.noarch replaces rf-test-old.noarch 1.0-1']);
  });

  it('reads the table an install prints before it runs, ignoring the progress after it', () => {
    const parsed = parseTransaction(dnfFixture('dnf-upgrade-y.stdout'));
    assert.deepEqual(parsed.warnings, []);
    assert.deepEqual(
      parsed.transaction.upgrades.map((u) => u.name),
      ['rf-test-a', 'rf-test-c'],
    );
    assert.deepEqual(
      parsed.transaction.newPackages.map((u) => u.name),
      ['rf-test-new', 'rf-test-b'],
    );
  });

  it('joins a row dnf4 wrapped because a name or a version overflowed its column', () => {
    const widths = [20, 6, 12, 8, 5];
    const table = [
      'Dependencies resolved.',
      '='.repeat(60),
      fmtRow(['Package', 'Arch', 'Version', 'Repo', 'Size'], widths),
      '='.repeat(60),
      'Upgrading:',
      ...fmtRow(
        ['python3-a-name-longer-than-twenty', 'x86_64', '3.12.1-1.fc40', 'updates', '1.2 M'],
        widths,
      ).split('\n'),
      ...fmtRow(['kernel', 'x86_64', '6.9.1-200.fc40.with.long.tail', 'updates', '16 k'], widths).split('\n'),
      fmtRow(['bash', 'x86_64', '5.2.26-3.fc40', 'updates-testing', '1.8 M'], widths),
      '',
      'Transaction Summary',
      '='.repeat(60),
      'Upgrade  3 Packages',
    ];
    assert.match(table.join('\n'), /python3-a-name-longer-than-twenty\n {22}x86_64/);
    const parsed = parseTransaction(table);
    assert.deepEqual(parsed.warnings, []);
    assert.deepEqual(
      parsed.transaction.upgrades.map((u) => [u.name, u.arch, u.toVersion, u.source]),
      [
        ['python3-a-name-longer-than-twenty', 'x86_64', '3.12.1-1.fc40', 'updates'],
        ['kernel', 'x86_64', '6.9.1-200.fc40.with.long.tail', 'updates'],
        ['bash', 'x86_64', '5.2.26-3.fc40', 'updates-testing'],
      ],
    );
  });

  it('reads dnf5 tables (against fixture-shaped output): replaced versions, arrows, KiB sizes, its summary', () => {
    // Shaped after libdnf5-cli/output/transaction_table.cpp and a Fedora 42 capture.
    const parsed = parseTransaction([
      'Updating and loading repositories:',
      'Repositories loaded.',
      'Package                  Arch   Version                 Repository      Size',
      'Upgrading:',
      ' rf-test-a               noarch 1.1-1                   rf-test      5.4 KiB',
      '   replacing rf-test-a   noarch 1.0-1                   rf-test      5.4 KiB',
      ' rf-test-c               noarch 1:2.0-1                 rf-test      5.4 KiB',
      '                                3.0-1                   rf-test      5.4 KiB',
      ' glibc                   x86_64 2.39-22.fc40         <- 2.39-17.fc40 updates <- fedora 6.7 MiB',
      'Installing dependencies:',
      ' rf-test-b               noarch 1.0-1                   rf-test      5.4 KiB',
      'Removing unused dependencies:',
      ' fuse-common             x86_64 3.16.2-6.fc42           updates     38.0   B',
      '',
      'Transaction Summary:',
      ' Installing:         1 package',
      ' Upgrading:          3 packages',
      ' Replacing:          3 packages',
      ' Removing:           1 package',
      '',
      'After this operation, 5 KiB extra will be used (install 16 KiB, remove 11 KiB).',
      'Operation aborted by the user.',
    ]);
    assert.deepEqual(parsed.warnings, []);
    assert.deepEqual(brief(parsed.transaction.upgrades), [
      ['rf-test-a', 'noarch', '1.0-1', '1.1-1', 'rf-test'],
      ['rf-test-c', 'noarch', '3.0-1', '1:2.0-1', 'rf-test'],
      ['glibc', 'x86_64', undefined, '2.39-22.fc40', 'updates'],
    ]);
    assert.deepEqual(brief(parsed.transaction.newPackages), [
      ['rf-test-b', 'noarch', undefined, '1.0-1', 'rf-test'],
    ]);
    assert.deepEqual(parsed.transaction.removals, [
      { name: 'fuse-common', arch: 'x86_64', fromVersion: '3.16.2-6.fc42' },
    ]);
  });

  it('reads yum 3 tables (against fixture-shaped output): Updating, for dependencies, dependent counts', () => {
    const parsed = parseTransaction([
      'Loaded plugins: fastestmirror',
      'Resolving Dependencies',
      '--> Running transaction check',
      '---> Package foo.noarch 0:1.0-1.el7 will be updated',
      'Dependencies Resolved',
      '',
      '================================================================================',
      ' Package          Arch            Version             Repository          Size',
      '================================================================================',
      'Updating:',
      ' foo              noarch          1.1-1.el7           updates            5.4 k',
      'Installing for dependencies:',
      ' bar              noarch          1.0-1.el7           updates            5.4 k',
      'Updating for dependencies:',
      ' baz              noarch          2.1-1.el7           updates            5.4 k',
      '',
      'Transaction Summary',
      '================================================================================',
      'Install             ( 1 Dependent package)',
      'Upgrade  1 Package  (+1 Dependent package)',
      '',
      'Total download size: 16 k',
      'Exiting on user command',
      'Your transaction was saved, rerun it with:',
      ' yum load-transaction /tmp/yum_save_tx.2026-11-22.21-42.Xy1.yumtx',
    ]);
    assert.deepEqual(parsed.warnings, []);
    assert.deepEqual(
      parsed.transaction.upgrades.map((u) => u.name),
      ['foo', 'baz'],
    );
    assert.deepEqual(
      parsed.transaction.newPackages.map((u) => u.name),
      ['bar'],
    );
  });

  it('reads removals, skipped packages, reinstalls and module changes', () => {
    const parsed = parseTransaction([
      ' Package              Arch        Version            Repository           Size',
      'Removing:',
      ' httpd                x86_64      2.4.62-1.el9       @appstream          4.9 M',
      'Removing dependent packages:',
      ' mod_ssl              x86_64      1:2.4.62-1.el9     @appstream          256 k',
      'Reinstalling:',
      ' tzdata               noarch      2024a-1.el9        baseos              840 k',
      'Enabling module streams:',
      ' nodejs                           20',
      'Skipping packages with conflicts:',
      "(add '--best --allowerasing' to command line to force their upgrade):",
      ' libfoo               x86_64      2.0-1.el9          appstream           100 k',
      '',
      'Transaction Summary',
      '================================================================================',
      'Remove  2 Packages',
      'Skip    1 Package',
    ]);
    assert.deepEqual(parsed.warnings, []);
    assert.deepEqual(parsed.transaction.removals, [
      { name: 'httpd', arch: 'x86_64', fromVersion: '2.4.62-1.el9' },
      { name: 'mod_ssl', arch: 'x86_64', fromVersion: '1:2.4.62-1.el9' },
    ]);
    assert.deepEqual(parsed.notes, [
      'tzdata.noarch 2024a-1.el9 would be reinstalled',
      'Enabling module streams: nodejs                           20',
      'Skipping packages with conflicts:',
      'libfoo.x86_64 2.0-1.el9: skipping packages with conflicts',
    ]);
  });

  it('"Nothing to do." and errors: no table, notes kept', () => {
    const nothing = parseTransaction(['Dependencies resolved.', 'Nothing to do.', 'Complete!']);
    assert.equal(nothing.nothingToDo, true);
    assert.equal(nothing.table, false);
    assert.deepEqual(nothing.warnings, []);
    const unmatched = parseTransaction([
      'No match for argument: nope',
      'Error: No packages marked for upgrade.',
    ]);
    assert.deepEqual(unmatched.notes, ['No match for argument: nope']);
  });

  it('reports what it cannot read: an unknown section, a short row, a summary that disagrees, a cut table', () => {
    const header = ' Package   Arch   Version   Repository   Size';
    const unknown = parseTransaction([
      header,
      'Frobnicating:',
      ' foo noarch 1.0-1 repo 1 k',
      'Transaction Summary',
    ]);
    assert.deepEqual(unknown.warnings, [
      'unknown section in the transaction table: "Frobnicating:"',
      'unreadable line in the transaction table (a row outside any known section): " foo noarch 1.0-1 repo 1 k"',
    ]);
    const short = parseTransaction([
      header,
      'Upgrading:',
      ' foo noarch',
      ' bar noarch 1.0-1 repo 1 k',
      'Transaction Summary',
      'Upgrade  2 Packages',
    ]);
    assert.deepEqual(short.warnings, [
      'unreadable line in the transaction table (not name arch version repository size): " foo noarch"',
      'the transaction summary counts 2 to upgrade, the table lists 1',
    ]);
    assert.deepEqual(
      short.transaction.upgrades.map((u) => u.name),
      ['bar'],
    );
    const cut = parseTransaction([header, 'Upgrading:', ' foo noarch 1.0-1 repo 1 k']);
    assert.deepEqual(cut.warnings, [
      'the transaction table has no Transaction Summary: the output was cut short',
    ]);
  });
});
