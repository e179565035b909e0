import assert from 'node:assert/strict';
import { isMasked, parseMasks } from '../../../plugins/flatpak/masks.js';
import { parseInstalled } from '../../../plugins/flatpak/parse-installed.js';
import { parseProgressLine } from '../../../plugins/flatpak/parse-progress.js';
import { parseTransaction } from '../../../plugins/flatpak/parse-transaction.js';
import { parseUpdates } from '../../../plugins/flatpak/parse-updates.js';
import { versionPair } from '../../../plugins/flatpak/versions.js';
import { flatpakFixtureLines } from './helpers/fixtures.js';

describe('flatpak parsers against outputs captured from flatpak 1.14 (test/fixtures/flatpak)', () => {
  it('remote-ls --updates: refs with their kind, the appstream version when there is one', () => {
    const parsed = parseUpdates(flatpakFixtureLines('remote-ls-updates.stdout'));
    assert.deepEqual(parsed.warnings, []);
    assert.deepEqual(parsed.rows, [
      {
        ref: { kind: 'app', id: 'org.redflag.TestApp', arch: 'x86_64', branch: 'stable' },
        origin: 'rftest',
        version: '1.1',
        commit: '25225b5da810',
      },
      {
        ref: { kind: 'runtime', id: 'org.redflag.Platform', arch: 'x86_64', branch: '1' },
        origin: 'rftest',
        version: '',
        commit: '7b5cb3356fcf',
      },
    ]);
    assert.deepEqual(parseUpdates(flatpakFixtureLines('remote-ls-updates-none.stdout')), {
      rows: [],
      warnings: [],
    });
  });

  it('list: refs without their kind, deployed commit and origin', () => {
    const parsed = parseInstalled(flatpakFixtureLines('list.stdout'));
    assert.deepEqual(parsed.warnings, []);
    assert.deepEqual(parsed.rows, [
      {
        ref: { id: 'org.redflag.Platform', arch: 'x86_64', branch: '1' },
        version: '',
        commit: '5a42ef7b9812',
        origin: 'rftest',
      },
      {
        ref: { id: 'org.redflag.TestApp', arch: 'x86_64', branch: 'stable' },
        version: '1.0',
        commit: 'b45faa0d859d',
        origin: 'rftest',
      },
    ]);
  });

  it('update -y --no-deploy: the transaction table, progress lines skipped', () => {
    const parsed = parseTransaction(flatpakFixtureLines('update-no-deploy.stdout'));
    assert.deepEqual(parsed.warnings, []);
    assert.deepEqual(parsed.rows, [
      { op: 'update', id: 'org.redflag.Platform', branch: '1', remote: 'rftest' },
      { op: 'install', id: 'org.redflag.Platform2', branch: '1', remote: 'rftest' },
      { op: 'update', id: 'org.redflag.TestApp', branch: 'stable', remote: 'rftest' },
    ]);
    assert.deepEqual(parseTransaction(flatpakFixtureLines('update-no-deploy-nothing.stdout')).rows, []);
  });

  it('transaction rows with an Arch column and uninstalls (hand-written from flatpak-cli-transaction.c)', () => {
    const parsed = parseTransaction([
      ' 1.\t   \torg.redflag.TestApp\taarch64\tstable\tu\trftest\t< 1.2 MB',
      ' 2.\t   \torg.redflag.Old\tx86_64\tstable\tr',
      ' 3.\t   \torg.redflag.Gone\tstable\tr',
      ' 4.\t   \torg.redflag.Padded\tstable\tr\t\t',
      ' 5.\t   \torg.redflag.TestApp\tstable\tx\trftest\t< 1 kB',
    ]);
    assert.deepEqual(parsed.rows, [
      { op: 'update', id: 'org.redflag.TestApp', arch: 'aarch64', branch: 'stable', remote: 'rftest' },
      { op: 'uninstall', id: 'org.redflag.Old', arch: 'x86_64', branch: 'stable' },
      { op: 'uninstall', id: 'org.redflag.Gone', branch: 'stable' },
      { op: 'uninstall', id: 'org.redflag.Padded', branch: 'stable' },
    ]);
    assert.match(parsed.warnings[0] ?? '', /unknown operation/);
  });

  it('update --noninteractive: one install step per operation, with a share of the transaction', () => {
    const lines = flatpakFixtureLines('update-noninteractive.stdout');
    assert.deepEqual(
      lines.map((line, i) => parseProgressLine(line, i, lines.length)),
      [
        { stage: 'install', package: 'org.redflag.Platform//1', percent: 33, message: lines[0] },
        { stage: 'install', package: 'org.redflag.Platform2//1', percent: 67, message: lines[1] },
        { stage: 'install', package: 'org.redflag.TestApp//stable', percent: 100, message: lines[2] },
      ],
    );
  });

  it('mask: patterns, matched like flatpak matches partial refs', () => {
    const masks = parseMasks(flatpakFixtureLines('mask.stdout'));
    assert.deepEqual(masks, ['org.redflag.TestApp', 'runtime/org.freedesktop.*//23.08']);
    const platform = {
      kind: 'runtime' as const,
      id: 'org.freedesktop.Platform',
      arch: 'x86_64',
      branch: '23.08',
    };
    assert.equal(isMasked(masks, { id: 'org.redflag.TestApp', arch: 'x86_64', branch: 'stable' }), true);
    assert.equal(isMasked(masks, platform), true);
    assert.equal(isMasked(masks, { ...platform, branch: '24.08' }), false);
    assert.equal(isMasked(masks, { ...platform, kind: 'app' }), false);
    assert.equal(
      isMasked(['org.redflag.Test'], { id: 'org.redflag.TestApp', arch: 'x86_64', branch: 'stable' }),
      false,
    );
  });

  it('versions when both sides have different ones, commits otherwise', () => {
    assert.deepEqual(
      versionPair({ version: '1.0', commit: 'aaaaaaaaaaaa' }, { version: '1.1', commit: 'bbbbbbbbbbbb' }),
      {
        from: '1.0',
        to: '1.1',
      },
    );
    assert.deepEqual(
      versionPair({ version: '1.1', commit: 'aaaaaaaaaaaa' }, { version: '1.1', commit: 'bbbbbbbbbbbb' }),
      {
        from: 'aaaaaaaaaaaa',
        to: 'bbbbbbbbbbbb',
      },
    );
    assert.deepEqual(versionPair(undefined, { version: '', commit: 'bbbbbbbbbbbb' }), {
      from: '',
      to: 'bbbbbbbbbbbb',
    });
  });
});
