import assert from 'node:assert/strict';
import { parseSimulation } from '../../../plugins/apt/parse-simulation.js';
import { aptFixtureLines } from './helpers/fixtures.js';

describe('apt: parsing apt-get -s (Inst/Conf/Remv lines)', () => {
  it('reads the 136 upgrades of a simulated dist-upgrade, with their archives', () => {
    for (const fixture of [
      'apt-get-s-dist-upgrade.txt',
      'apt-get-s-upgrade.txt',
      'apt-get-s-upgrade-nonroot.txt',
    ]) {
      const { transaction, warnings } = parseSimulation(aptFixtureLines(fixture));
      assert.deepEqual(warnings, [], fixture);
      assert.equal(transaction.upgrades.length, 136, fixture);
      assert.deepEqual(transaction.newPackages, []);
      assert.deepEqual(transaction.removals, []);
      assert.equal(transaction.upgrades.filter((u) => u.security).length, 81, fixture);
    }
  });

  it('stops at the first [arch]) whatever annotations follow', () => {
    const { transaction } = parseSimulation(aptFixtureLines('apt-get-s-dist-upgrade.txt'));
    const pam = transaction.upgrades.find((u) => u.name === 'libpam-modules-bin');
    assert.deepEqual(pam, {
      name: 'libpam-modules-bin',
      arch: 'amd64',
      fromVersion: '1.5.2-6+deb12u1',
      toVersion: '1.5.2-6+deb12u2',
      source: 'Debian:12.15/oldstable',
      security: false,
    });
    const gcrypt = transaction.upgrades.find((u) => u.name === 'libgcrypt20');
    assert.equal(gcrypt?.source, 'Debian:12.15/oldstable, Debian-Security:12/oldstable-security');
    assert.equal(gcrypt?.security, true);
  });

  it('lists dependencies a package pulls in as new packages (no [current])', () => {
    const { transaction } = parseSimulation(aptFixtureLines('apt-get-s-install-apache2.txt'));
    assert.deepEqual(transaction.upgrades, []);
    assert.deepEqual(
      transaction.newPackages.map((p) => [p.name, p.toVersion, p.arch]),
      [
        ['libapr1', '1.7.2-3+deb12u1', 'amd64'],
        ['libaprutil1', '1.6.3-1+deb12u1', 'amd64'],
        ['libaprutil1-dbd-sqlite3', '1.6.3-1+deb12u1', 'amd64'],
        ['libaprutil1-ldap', '1.6.3-1+deb12u1', 'amd64'],
        ['liblua5.3-0', '5.3.6-2', 'amd64'],
        ['apache2-bin', '2.4.71-1~deb12u1', 'amd64'],
        ['apache2-data', '2.4.71-1~deb12u1', 'all'],
        ['apache2-utils', '2.4.71-1~deb12u1', 'amd64'],
        ['apache2', '2.4.71-1~deb12u1', 'amd64'],
      ],
    );
  });

  it('reads the upgrades an --only-upgrade install of curl brings along', () => {
    const { transaction } = parseSimulation(aptFixtureLines('apt-get-dry-run-install-curl.txt'));
    assert.deepEqual(
      transaction.upgrades.map((u) => `${u.name} ${u.fromVersion} -> ${u.toVersion}`),
      [
        'curl 7.88.1-10+deb12u14 -> 7.88.1-10+deb12u15',
        'libcurl4 7.88.1-10+deb12u14 -> 7.88.1-10+deb12u15',
        'libcurl3-gnutls 7.88.1-10+deb12u14 -> 7.88.1-10+deb12u15',
        'libcurl3-nss 7.88.1-10+deb12u14 -> 7.88.1-10+deb12u15',
      ],
    );
  });

  it('reads removals', () => {
    const { transaction } = parseSimulation(aptFixtureLines('apt-get-s-remove-curl.txt'));
    assert.deepEqual(transaction.removals, [{ name: 'curl', fromVersion: '7.88.1-10+deb12u14' }]);
  });

  it('keeps what apt said about skipped packages and errors as notes', () => {
    const { transaction, notes } = parseSimulation([
      ...aptFixtureLines('apt-nonexist.txt'),
      'Skipping rf-x, it is not installed and only upgrades are requested.',
      'rf-y is already the newest version (1.1).',
    ]);
    assert.deepEqual(transaction.upgrades, []);
    assert.deepEqual(notes, [
      'E: Unable to locate package nonexistent-pkg-xyz',
      'Skipping rf-x, it is not installed and only upgrades are requested.',
      'rf-y is already the newest version (1.1).',
    ]);
  });

  it('handles a multi-arch package name and a repository without a version', () => {
    const { transaction, warnings } = parseSimulation([
      'Inst libc6:i386 [2.36-9+deb12u9] (2.36-9+deb12u10 Debian:12.15/oldstable [i386])',
      'Inst rf-test-b (1.0 RedFlag-Test:rf-test-security [all])',
    ]);
    assert.deepEqual(warnings, []);
    assert.deepEqual(transaction.upgrades[0]?.name, 'libc6');
    assert.deepEqual(transaction.upgrades[0]?.arch, 'i386');
    assert.deepEqual(transaction.newPackages[0], {
      name: 'rf-test-b',
      arch: 'all',
      toVersion: '1.0',
      source: 'RedFlag-Test:rf-test-security',
      security: true,
    });
  });

  it('reports garbled Inst/Conf/Remv lines and still reads the good ones', () => {
    const { transaction, warnings } = parseSimulation([
      'Inst curl [7.88.1] (7.88.2 Debian:12.15/oldstable [amd64])',
      'Inst broken [1.0] (missing the architecture)',
      'Conf curl 7.88.2',
      'Remv',
    ]);
    assert.equal(transaction.upgrades.length, 1);
    assert.equal(warnings.length, 3);
    assert.match(warnings[0]!, /^unreadable line in apt-get simulation \(not Inst .*\): "Inst broken/);
  });
});
