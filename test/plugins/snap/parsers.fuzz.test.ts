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
import { fuzzLines } from '../apt/helpers/fuzz-lines.js';
import { mutate, seededRandom } from '../apt/helpers/mutate.js';
import { snapFixtureLines } from './helpers/fixtures.js';

const CASES = 3000;

/** Rows of a snap table: every document starts with the fixture's header. */
function fuzz<T>(
  file: string,
  seed: number,
  parse: (lines: string[]) => Parsed<T>,
  valid: (item: T) => boolean,
) {
  const [header, ...good] = snapFixtureLines(file);
  fuzzLines({ good, header, seed, cases: CASES, parse, valid, reportedOver: CASES / 3 });
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
