import assert from 'node:assert/strict';
import { parseUpgradable } from '../../../plugins/apt/parse-upgradable.js';
import { aptFixtureLines } from './helpers/fixtures.js';

describe('apt: parsing apt list --upgradable', () => {
  const lines = aptFixtureLines('apt-list-upgradable.stdout');

  it('reads all 136 packages of the captured Debian 12 output, 81 from the security archive', () => {
    const { entries, warnings } = parseUpgradable(lines);
    assert.deepEqual(warnings, []);
    assert.equal(entries.length, 136);
    assert.equal(entries.filter((e) => e.suites.some((s) => s.endsWith('-security'))).length, 81);
  });

  it('reads name, suites, versions (with epochs) and architecture', () => {
    const { entries } = parseUpgradable(lines);
    const byName = new Map(entries.map((e) => [e.name, e]));
    assert.deepEqual(byName.get('apt'), {
      name: 'apt',
      arch: 'amd64',
      currentVersion: '2.6.1',
      availableVersion: '2.6.2',
      suites: ['oldstable-security'],
    });
    assert.deepEqual(byName.get('libcap2')?.currentVersion, '1:2.66-4+deb12u2+b2');
    assert.deepEqual(byName.get('krb5-locales')?.suites, ['oldstable', 'oldstable-security']);
    assert.equal(byName.get('ca-certificates')?.arch, 'all');
  });

  it('skips the Listing... header and N: notices, reports a repeated suite once', () => {
    const { entries, warnings } = parseUpgradable([
      'Listing... Done',
      "N: There is 1 additional version. Please use the '-a' switch to see it",
      'foo/stable,stable 2.0 amd64 [upgradable from: 1.0]',
      '',
    ]);
    assert.deepEqual(warnings, []);
    assert.deepEqual(entries[0]?.suites, ['stable']);
  });

  it('reports an unreadable line with the line itself and keeps the rest', () => {
    const { entries, warnings } = parseUpgradable([
      'foo/stable 2.0 amd64 [upgradable from: 1.0]',
      'WARNING: apt does not have a stable CLI interface.',
      'bar/stable 2.0 amd64 [upgradable from: 1.0]',
    ]);
    assert.deepEqual(
      entries.map((e) => e.name),
      ['foo', 'bar'],
    );
    assert.deepEqual(warnings, [
      'unreadable line in apt list --upgradable (not name/suite version arch [upgradable from: version]): "WARNING: apt does not have a stable CLI interface."',
    ]);
  });

  it('refuses names and versions that break Debian rules instead of passing them on', () => {
    const { entries, warnings } = parseUpgradable([
      '-oAPT::X=1/stable 2.0 amd64 [upgradable from: 1.0]',
      'foo/stable 2.0\u0000 amd64 [upgradable from: 1.0]',
      'foo/stable 2.0 AMD64 [upgradable from: 1.0]',
    ]);
    assert.deepEqual(entries, []);
    assert.deepEqual(
      warnings.map((w) => /\((.*?)\)/.exec(w)?.[1]),
      ['bad package name', 'bad version', 'bad architecture'],
    );
  });
});
