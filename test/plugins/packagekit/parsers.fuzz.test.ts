import assert from 'node:assert/strict';
import { INFO } from '../../../plugins/packagekit/enums.js';
import {
  parseChangedNumbers,
  parseErrorCode,
  parseFinished,
  parseItemProgress,
  parsePackagesBody,
  parseRequireRestart,
} from '../../../plugins/packagekit/parse-signals.js';
import { mutate, seededRandom } from '../apt/helpers/mutate.js';
import { loadPackageKitFixture } from './helpers/packagekit-stand-in.js';

const CASES = 3000;
type Tuple = [number, string, string];

/** A mutated `(uss)` entry: the id through the shared line mutations, or the tuple's shape itself. */
function mutateTuple(tuple: Tuple, random: () => number): unknown {
  const [info, id, summary] = tuple;
  const odd: unknown[] = [null, undefined, -1, 1.5, 2 ** 32, Number.NaN, '8', {}, [], true];
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)]!;
  switch (Math.floor(random() * 6)) {
    case 0:
      return [info, mutate(id, random).line, summary];
    case 1:
      return [pick(odd), id, summary];
    case 2:
      return [info, pick(odd), summary];
    case 3:
      return tuple.slice(0, Math.floor(random() * 3));
    case 4:
      return [...tuple, pick(odd)];
    default:
      return pick(odd);
  }
}

describe('packagekit plugin: signal parsers fuzzed with mutated fixture entries', () => {
  const fixture = loadPackageKitFixture('updates-rated.json');
  const good = Object.values(fixture).flatMap((t) => (typeof t === 'string' ? [] : t.packages));

  it(`Packages: ${CASES} bodies with one mutated entry; good entries still parsed, bad ones reported`, () => {
    const random = seededRandom(7);
    for (let n = 0; n < CASES; n++) {
      const sample = Array.from({ length: 5 }, () => good[Math.floor(random() * good.length)]!);
      const mutated = mutateTuple(sample[2]!, random);
      const context = `case ${n}: ${JSON.stringify(mutated)}`;
      const others = parsePackagesBody([[...sample.slice(0, 2), ...sample.slice(3)]]);
      const all = parsePackagesBody([[...sample.slice(0, 2), mutated, ...sample.slice(3)]]);
      assert.equal(others.problems.length, 0, 'the fixture entries parse');
      const alone = parsePackagesBody([[mutated]]);
      if (alone.problems.length === 1) {
        assert.equal(all.problems.length, 1, context);
        assert.deepEqual(all.packages, others.packages, context);
      } else {
        // Read anyway: only if it is a well-formed entry.
        const [entry] = alone.packages;
        assert.ok(entry, context);
        assert.ok(
          Object.keys(INFO).includes(entry.info) && Object.keys(INFO).includes(entry.severity),
          context,
        );
        assert.match(entry.pkg.name, /^[A-Za-z0-9][A-Za-z0-9+._:@-]*$/, context);
        assert.ok(entry.pkg.version !== '' && !/\s/.test(entry.pkg.version), context);
        assert.equal(all.packages.length, others.packages.length + 1, context);
      }
    }
  });

  it('the other signals: no body of any shape throws', () => {
    const random = seededRandom(11);
    const values: unknown[] = [
      null,
      undefined,
      -1,
      0,
      3,
      1.5,
      2 ** 32,
      'x',
      [],
      {},
      [['Percentage', 5]],
      [['Percentage', [1, [2]]]],
    ];
    const pick = () => values[Math.floor(random() * values.length)];
    for (let n = 0; n < CASES; n++) {
      const body = Array.from({ length: Math.floor(random() * 4) }, pick);
      for (const parse of [
        parseErrorCode,
        parseFinished,
        parseRequireRestart,
        parseItemProgress,
        parseChangedNumbers,
      ])
        assert.doesNotThrow(() => parse(body), JSON.stringify(body));
    }
  });
});
