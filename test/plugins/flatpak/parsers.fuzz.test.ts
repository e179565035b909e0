import assert from 'node:assert/strict';
import { parseMasks } from '../../../plugins/flatpak/masks.js';
import { parseInstalled } from '../../../plugins/flatpak/parse-installed.js';
import { parseProgressLine } from '../../../plugins/flatpak/parse-progress.js';
import { parseTransaction } from '../../../plugins/flatpak/parse-transaction.js';
import { parseUpdates } from '../../../plugins/flatpak/parse-updates.js';
import {
  isArch,
  isBranch,
  isCommit,
  isFlatpakId,
  isRemote,
  isVersionText,
} from '../../../plugins/flatpak/refs.js';
import { mutate, seededRandom } from '../apt/helpers/mutate.js';
import { flatpakFixtureLines } from './helpers/fixtures.js';

const CASES = 3000;

/**
 * Each case: good captured lines with one mutated line among them. Whatever the mutation, the
 * parser must not throw, must read every good line exactly as it does alone, and must either
 * report the mutated line or read from it only values that obey flatpak's rules.
 */
function fuzz<T>(
  good: string[],
  seed: number,
  parse: (lines: string[]) => { rows: T[]; warnings: string[] },
  valid: (row: T) => boolean,
): void {
  const random = seededRandom(seed);
  const tally = { reported: 0, stillValid: 0 };
  for (let n = 0; n < CASES; n++) {
    const sample = Array.from({ length: 5 }, () => good[Math.floor(random() * good.length)]!);
    const mutation = mutate(sample[2]!, random);
    const document = [...sample.slice(0, 2), mutation.line, ...sample.slice(3)];
    const context = `case ${n} (${mutation.kind}): ${JSON.stringify(mutation.line)}`;
    const parsed = parse(document);
    const alone = parse([mutation.line]);
    const others = parse([...sample.slice(0, 2), ...sample.slice(3)]);
    assert.equal(others.rows.length, 4, 'the captured lines themselves parse');
    assert.deepEqual(
      parsed.rows,
      [...others.rows.slice(0, 2), ...alone.rows, ...others.rows.slice(2)],
      context,
    );
    assert.deepEqual(parsed.warnings, alone.warnings, context);
    if (alone.warnings.length) {
      tally.reported++;
      assert.equal(alone.rows.length, 0, context);
      assert.ok(
        alone.warnings[0]!.includes(JSON.stringify(mutation.line).slice(0, 40)),
        `quoted: ${context}`,
      );
    } else if (alone.rows.length) {
      tally.stillValid++;
      assert.ok(alone.rows.every(valid), context);
    }
  }
  // Guards the test itself: many mutations must be caught, and some must survive as valid.
  assert.ok(tally.reported > CASES / 4, JSON.stringify(tally));
  assert.ok(tally.stillValid > 50, JSON.stringify(tally));
}

const validRef = (ref: { id: string; arch: string; branch: string }) =>
  isFlatpakId(ref.id) && isArch(ref.arch) && isBranch(ref.branch);

describe('flatpak parsers under fuzzing (mutated captured lines, seeded)', () => {
  it(`remote-ls --updates lines: ${CASES} cases`, () => {
    fuzz(
      flatpakFixtureLines('remote-ls-updates.stdout'),
      0x5eed_f1,
      parseUpdates,
      (row) =>
        validRef(row.ref) &&
        isRemote(row.origin) &&
        (row.version === '' || isVersionText(row.version)) &&
        isCommit(row.commit),
    );
  });

  it(`list lines: ${CASES} cases`, () => {
    fuzz(
      [...flatpakFixtureLines('list.stdout'), ...flatpakFixtureLines('list-after.stdout')],
      0x5eed_f2,
      parseInstalled,
      (row) =>
        validRef(row.ref) && (row.version === '' || isVersionText(row.version)) && isCommit(row.commit),
    );
  });

  it(`transaction table rows: ${CASES} cases`, () => {
    const rows = flatpakFixtureLines('update-no-deploy.stdout').filter((l) => /^\s*\d+\.\t/.test(l));
    fuzz(
      rows,
      0x5eed_f3,
      parseTransaction,
      (row) =>
        isFlatpakId(row.id) &&
        isBranch(row.branch) &&
        (row.arch === undefined || isArch(row.arch)) &&
        (row.remote === undefined || isRemote(row.remote)),
    );
  });

  it('progress and mask lines: never throw, never yield an invalid value', () => {
    const random = seededRandom(0x5eed_f4);
    const progress = flatpakFixtureLines('update-noninteractive.stdout');
    const masks = flatpakFixtureLines('mask.stdout');
    for (let n = 0; n < CASES; n++) {
      const step = parseProgressLine(mutate(progress[n % progress.length]!, random).line, n % 3, 3);
      if (step?.percent !== undefined) assert.ok(step.percent >= 0 && step.percent <= 100);
      for (const pattern of parseMasks([mutate(masks[n % masks.length]!, random).line]))
        assert.ok(!/\s/.test(pattern));
    }
  });
});
