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
import { fuzzLines } from '../apt/helpers/fuzz-lines.js';
import { mutate, seededRandom } from '../apt/helpers/mutate.js';
import { flatpakFixtureLines } from './helpers/fixtures.js';

const CASES = 3000;

/** flatpak's parsers name what they read `rows`. */
const fuzz = <T>(
  good: string[],
  seed: number,
  parse: (lines: string[]) => { rows: T[]; warnings: string[] },
  valid: (row: T) => boolean,
) =>
  fuzzLines({
    good,
    seed,
    cases: CASES,
    parse: (lines) => {
      const { rows, warnings } = parse(lines);
      return { items: rows, warnings };
    },
    valid,
    reportedOver: CASES / 4,
  });

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
