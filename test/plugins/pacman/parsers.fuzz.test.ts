import assert from 'node:assert/strict';
import { isPackageName, isRepository, isVersion } from '../../../plugins/pacman/package-names.js';
import { parseInstalled } from '../../../plugins/pacman/parse-installed.js';
import { parsePrint } from '../../../plugins/pacman/parse-print.js';
import { parseProgressLine } from '../../../plugins/pacman/parse-progress.js';
import { parseSyncList } from '../../../plugins/pacman/parse-sync-list.js';
import { parseUpgrades } from '../../../plugins/pacman/parse-upgrades.js';
import { mutate, seededRandom } from '../apt/helpers/mutate.js';
import { pacmanFixtureLines } from './helpers/fixtures.js';

const CASES = 3000;

/**
 * Each case: good fixture lines with one mutated line among them. Whatever the mutation, the
 * parser must not throw, must read every good line exactly as it does alone, and must either
 * report the mutated line or read from it only values that obey makepkg's rules.
 */
describe('pacman parsers under fuzzing (mutated fixture lines, seeded)', () => {
  function fuzz<T>(
    good: string[],
    seed: number,
    parse: (lines: string[]) => { items: T[]; warnings: string[] },
    valid: (item: T) => boolean,
  ): { reported: number; stillValid: number } {
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
      assert.equal(others.items.length, 4, 'the fixture lines themselves parse');
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
    return tally;
  }

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
