import assert from 'node:assert/strict';
import { isPackageName, isRepository, isVersion } from '../../../plugins/pacman/package-names.js';
import { parseInstalled } from '../../../plugins/pacman/parse-installed.js';
import { parsePrint } from '../../../plugins/pacman/parse-print.js';
import { parseProgressLine } from '../../../plugins/pacman/parse-progress.js';
import { parseSyncList } from '../../../plugins/pacman/parse-sync-list.js';
import { parseUpgrades } from '../../../plugins/pacman/parse-upgrades.js';
import { fuzzLines, type ParsedLines } from '../apt/helpers/fuzz-lines.js';
import { mutate, seededRandom } from '../apt/helpers/mutate.js';
import { pacmanFixtureLines } from './helpers/fixtures.js';

const CASES = 3000;

describe('pacman parsers under fuzzing (mutated fixture lines, seeded)', () => {
  const fuzz = <T>(
    good: string[],
    seed: number,
    parse: (lines: string[]) => ParsedLines<T>,
    valid: (item: T) => boolean,
  ) => fuzzLines({ good, seed, cases: CASES, parse, valid, reportedOver: CASES / 3 });

  it(`pacman -Qu / checkupdates lines: ${CASES} cases`, () => {
    fuzz(
      pacmanFixtureLines('pacman-Qu.txt'),
      0x5eed_1,
      (lines) => {
        const parsed = parseUpgrades(lines);
        return { items: parsed.upgrades, warnings: parsed.warnings };
      },
      (u) => isPackageName(u.name) && isVersion(u.currentVersion) && isVersion(u.availableVersion),
    );
  });

  it(`pacman --print-format '%n %v %r' lines: ${CASES} cases`, () => {
    fuzz(
      pacmanFixtureLines('pacman-Sup.txt'),
      0x5eed_2,
      (lines) => {
        const parsed = parsePrint(lines);
        return { items: parsed.packages, warnings: parsed.warnings };
      },
      (p) => isPackageName(p.name) && isVersion(p.version) && isRepository(p.repository),
    );
  });

  it('pacman -Sl, -Q and progress lines: never throw, never yield an invalid value', () => {
    const random = seededRandom(0x5eed_3);
    const syncList = ['core linux 6.10.2.arch1-1 [installed: 6.9.1.arch1-1]', 'extra foo 1.1-1'];
    const installed = ['rf-test-a 1.1-1', 'baz 2:2.1-1'];
    const progress = ['upgrading rf-test-a...', ' rf-test-a-1.1-1-any downloading...'];
    for (let n = 0; n < CASES; n++) {
      const list = parseSyncList([mutate(syncList[n % 2]!, random).line]);
      for (const [name, repository] of list.repositories)
        assert.ok(isPackageName(name) && isRepository(repository));
      for (const [name, version] of parseInstalled([mutate(installed[n % 2]!, random).line]))
        assert.ok(isPackageName(name) && isVersion(version));
      const step = parseProgressLine(mutate(progress[n % 2]!, random).line, n % 3, 2);
      if (step?.percent !== undefined) assert.ok(step.percent >= 0 && step.percent <= 100);
    }
  });
});
