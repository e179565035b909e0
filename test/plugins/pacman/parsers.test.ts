import assert from 'node:assert/strict';
import { parseInstalled } from '../../../plugins/pacman/parse-installed.js';
import { parsePrint } from '../../../plugins/pacman/parse-print.js';
import { parseProgressLine } from '../../../plugins/pacman/parse-progress.js';
import { parseSyncList } from '../../../plugins/pacman/parse-sync-list.js';
import { parseUpgrades } from '../../../plugins/pacman/parse-upgrades.js';
import { pacmanFixtureLines } from './helpers/fixtures.js';

describe('pacman parsers against captured outputs', () => {
  it('pacman -Qu: versions with epochs, the [ignored] suffix as held', () => {
    const parsed = parseUpgrades(pacmanFixtureLines('pacman-Qu.txt'));
    assert.deepEqual(parsed.warnings, []);
    assert.deepEqual(parsed.upgrades, [
      { name: 'baz', currentVersion: '2.0-1', availableVersion: '2:2.1-1', ignored: false },
      { name: 'foo', currentVersion: '1.0-1', availableVersion: '1.1-1', ignored: false },
      { name: 'held', currentVersion: '1.0-1', availableVersion: '1.1-1', ignored: true },
      { name: 'linux', currentVersion: '6.9.1.arch1-1', availableVersion: '6.10.2.arch1-1', ignored: false },
    ]);
  });

  it('pacman -Qu: an unreadable line is reported with its text and skipped', () => {
    const parsed = parseUpgrades(
      ['foo 1.0-1 -> 1.1-1', 'foo 1.0-1 => 1.1-1', '-rf 1.0-1 -> 1.1-1'],
      'checkupdates',
    );
    assert.deepEqual(
      parsed.upgrades.map((u) => u.name),
      ['foo'],
    );
    assert.deepEqual(parsed.warnings, [
      'unreadable line in checkupdates (not name version -> version): "foo 1.0-1 => 1.1-1"',
      'unreadable line in checkupdates (bad package name): "-rf 1.0-1 -> 1.1-1"',
    ]);
  });

  it("pacman -Sup --print-format '%n %v %r': the transaction, new dependencies included", () => {
    const parsed = parsePrint(pacmanFixtureLines('pacman-Sup.txt'));
    assert.deepEqual(parsed.warnings, []);
    assert.deepEqual(parsed.packages, [
      { name: 'baz', version: '2:2.1-1', repository: 'testrepo' },
      { name: 'bar', version: '1.0-1', repository: 'testrepo' },
      { name: 'foo', version: '1.1-1', repository: 'testrepo' },
      { name: 'linux', version: '6.10.2.arch1-1', repository: 'testrepo' },
    ]);
    assert.equal(
      parsePrint([':: Starting full system upgrade...', ' there is nothing to do']).warnings.length,
      0,
    );
    assert.match(parsePrint(['foo 1.1-1']).warnings[0] ?? '', /not name version repository/);
  });

  it('pacman -Sl: the first repository carrying a package wins, as in pacman', () => {
    const parsed = parseSyncList([
      'testing linux 6.11-1',
      'core linux 6.10.2.arch1-1 [installed: 6.9.1.arch1-1]',
      'extra foo 1.1-1 [installed]',
      'garbage',
    ]);
    assert.deepEqual(
      [...parsed.repositories],
      [
        ['linux', 'testing'],
        ['foo', 'extra'],
      ],
    );
    assert.equal(parsed.unreadable, 1);
  });

  it('pacman -Q: installed versions; anything else is ignored', () => {
    assert.deepEqual(
      [...parseInstalled(['rf-test-a 1.1-1', "error: package 'x' was not found", 'b 2:1-1'])],
      [
        ['rf-test-a', '1.1-1'],
        ['b', '2:1-1'],
      ],
    );
  });

  it('pacman -S output as progress: steps with a share of the transaction, downloads, errors', () => {
    assert.deepEqual(parseProgressLine('installing rf-test-b...', 0, 2), {
      stage: 'install',
      package: 'rf-test-b',
      message: 'installing rf-test-b...',
      percent: 50,
    });
    assert.equal(parseProgressLine(' rf-test-a-1.1-1-any downloading...', 0, 2)?.stage, 'download');
    assert.equal(
      parseProgressLine('error: failed to commit transaction (conflicting files)', 1, 2)?.stage,
      'error',
    );
    assert.equal(parseProgressLine('checking keyring...', 0, 2)?.stage, 'output');
    assert.equal(parseProgressLine('   ', 0, 2), null);
  });
});
