import assert from 'node:assert/strict';
import {
  isChannel,
  isNotes,
  isPublisher,
  isRevision,
  isSize,
  isSnapName,
  isSnapVersion,
} from '../../../plugins/snap/names.js';
import { parseProgressLine } from '../../../plugins/snap/parse-progress.js';
import { type Parsed, parseRefreshList, parseSnapList } from '../../../plugins/snap/parse-snaps.js';
import { mutate, seededRandom } from '../apt/helpers/mutate.js';
import { snapFixtureLines } from './helpers/fixtures.js';

const CASES = 3000;

/**
 * Each case: the fixture's header and good rows with one mutated row among them. Whatever the
 * mutation, the parser must not throw, must read every good row exactly as it does alone, and
 * must either report the mutated row or read from it only values that obey snapd's rules.
 */
function fuzz<T>(
  file: string,
  seed: number,
  parse: (lines: string[]) => Parsed<T>,
  valid: (item: T) => boolean,
): void {
  const [header, ...good] = snapFixtureLines(file);
  const random = seededRandom(seed);
  const tally = { reported: 0, stillValid: 0 };
  for (let n = 0; n < CASES; n++) {
    const sample = Array.from({ length: 5 }, () => good[Math.floor(random() * good.length)]!);
    const mutation = mutate(sample[2]!, random);
    const context = `case ${n} (${mutation.kind}): ${JSON.stringify(mutation.line)}`;
    const parsed = parse([header!, ...sample.slice(0, 2), mutation.line, ...sample.slice(3)]);
    const alone = parse([header!, mutation.line]);
    const others = parse([header!, ...sample.slice(0, 2), ...sample.slice(3)]);
    assert.equal(others.items.length, 4, 'the fixture rows themselves parse');
    assert.deepEqual(
      parsed.items,
      [...others.items.slice(0, 2), ...alone.items, ...others.items.slice(2)],
      context,
    );
    assert.deepEqual(parsed.warnings, alone.warnings, context);
    if (alone.warnings.length) {
      tally.reported++;
      assert.equal(alone.items.length, 0, context);
      assert.ok(
        alone.warnings[0]!.includes(JSON.stringify(mutation.line).slice(0, 40)),
        `quoted: ${context}`,
      );
    } else if (alone.items.length) {
      tally.stillValid++;
      assert.ok(alone.items.every(valid), context);
    }
  }
  // Guards the test itself: most mutations must be caught, and some must survive as valid.
  assert.ok(tally.reported > CASES / 3, JSON.stringify(tally));
  assert.ok(tally.stillValid > 50, JSON.stringify(tally));
}

describe('snap parsers under fuzzing (mutated fixture rows, seeded)', () => {
  it(`snap refresh --list rows: ${CASES} cases`, () => {
    fuzz('refresh-list.stdout', 0x5eed_51, parseRefreshList, (c) =>
      [
        isSnapName(c.name),
        isSnapVersion(c.version),
        isRevision(c.revision),
        isSize(c.size),
        isPublisher(c.publisher),
      ].every(Boolean),
    );
  });

  it(`snap list rows: ${CASES} cases`, () => {
    fuzz('list.stdout', 0x5eed_52, parseSnapList, (s) =>
      [
        isSnapName(s.name),
        isSnapVersion(s.version),
        isRevision(s.revision),
        isChannel(s.tracking),
        isPublisher(s.publisher),
        s.notes.every((n) => isNotes(n)),
      ].every(Boolean),
    );
  });

  it('a mutated header: every row reported, nothing read, nothing thrown', () => {
    const random = seededRandom(0x5eed_53);
    const lines = snapFixtureLines('list.stdout');
    for (let n = 0; n < 500; n++) {
      const header = mutate(lines[0]!, random).line;
      const parsed = parseSnapList([header, ...lines.slice(1)]);
      if (parsed.items.length === 0)
        assert.ok(parsed.warnings.length >= lines.length - 1 || header.trim() === '');
    }
  });

  it('refresh output lines: never throw, never name an invalid snap', () => {
    const random = seededRandom(0x5eed_54);
    const lines = snapFixtureLines('refresh.stdout');
    for (let n = 0; n < CASES; n++) {
      const progress = parseProgressLine(mutate(lines[n % lines.length]!, random).line, n % 2, 2);
      if (progress?.stage === 'install') assert.match(progress.package ?? '', /^[a-z0-9][a-z0-9_-]*$/);
    }
  });
});
