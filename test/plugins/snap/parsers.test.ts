import assert from 'node:assert/strict';
import { isSnapName } from '../../../plugins/snap/names.js';
import { parseProgressLine } from '../../../plugins/snap/parse-progress.js';
import { parseRefreshList, parseSnapList } from '../../../plugins/snap/parse-snaps.js';
import { versionPair } from '../../../plugins/snap/versions.js';
import { snapFixtureLines } from './helpers/fixtures.js';

describe('snap parsers against fixtures (hand-written from snapd source: test/fixtures/snap/README.md)', () => {
  it('snap refresh --list: every row, read by column position', () => {
    const parsed = parseRefreshList(snapFixtureLines('refresh-list.stdout'));
    assert.deepEqual(parsed.warnings, []);
    assert.deepEqual(parsed.items[1], {
      name: 'firefox',
      version: '122.0.1-1',
      revision: '3728',
      size: '260MB',
      publisher: 'mozilla*',
      notes: [],
    });
    assert.deepEqual(
      parsed.items.map((i) => [i.name, i.notes]),
      [
        ['core22', ['base']],
        ['firefox', []],
        ['lxd', []],
        ['nextcloud', []],
        ['pc-kernel', ['kernel']],
      ],
    );
  });

  it('snap refresh --list with nothing to refresh: stdout is empty (the note is on stderr)', () => {
    assert.deepEqual(parseRefreshList([]), { items: [], warnings: [] });
  });

  it('snap list: tracking channels, local snaps (x1, -), notes such as held and kernel', () => {
    const parsed = parseSnapList(snapFixtureLines('list.stdout'));
    assert.deepEqual(parsed.warnings, []);
    assert.equal(parsed.items.length, 7);
    assert.deepEqual(parsed.items[2], {
      name: 'hello-local',
      version: '2.10',
      revision: 'x1',
      tracking: '-',
      publisher: '-',
      notes: [],
    });
    assert.deepEqual(parsed.items.find((s) => s.name === 'lxd')?.notes, ['held']);
  });

  it('a row that does not line up with the header is reported, not read shifted', () => {
    const lines = snapFixtureLines('refresh-list.stdout');
    const shifted = 'firefox 122.0.1-1 3728 260MB mozilla* -';
    const parsed = parseRefreshList([lines[0]!, shifted, lines[3]!]);
    assert.deepEqual(
      parsed.items.map((i) => i.name),
      ['lxd'],
    );
    assert.match(parsed.warnings[0] ?? '', /unreadable line in snap refresh --list .*"firefox 122/);
    const badHeader = parseSnapList(['Name  Version  Rev  Notes', 'x  1  2  -']);
    assert.equal(badHeader.warnings.length, 2);
  });

  it('refresh output as progress, names and versions checked', () => {
    const [line] = snapFixtureLines('refresh.stdout');
    assert.deepEqual(parseProgressLine(line!, 0, 2), {
      stage: 'install',
      package: 'core22',
      percent: 50,
      message: line,
    });
    assert.equal(
      parseProgressLine('lxd (5.19/stable) 5.19-1 from Canonical* refreshed', 1, 2)?.package,
      'lxd',
    );
    assert.equal(parseProgressLine('All snaps up to date.', 0, 1)?.stage, 'output');
    assert.equal(isSnapName('--dangerous'), false);
    assert.equal(isSnapName('lxd_test'), true);
    assert.equal(isSnapName('12'), false);
  });

  it('versions when they differ; the same version with its revisions otherwise', () => {
    assert.deepEqual(versionPair({ version: '1', revision: '10' }, { version: '2', revision: '11' }), {
      from: '1',
      to: '2',
    });
    assert.deepEqual(versionPair({ version: '1', revision: '10' }, { version: '1', revision: '11' }), {
      from: '1 (10)',
      to: '1 (11)',
    });
  });
});
