import assert from 'node:assert/strict';
import { mutate, seededRandom } from './mutate.js';

/** What a line parser gives: what it read, and a warning for each line it could not. */
export interface ParsedLines<T> {
  items: T[];
  warnings: string[];
}

export interface LineFuzz<T> {
  /** Good captured lines; each case samples five of them. */
  good: string[];
  seed: number;
  cases: number;
  parse: (lines: string[]) => ParsedLines<T>;
  /** Whether an item read from a mutated line obeys the tool's rules. */
  valid: (item: T) => boolean;
  /** A line every document starts with (a table's header), when the format has one. */
  header?: string;
  /** More cases than this must have their mutated line reported (guards the test itself). */
  reportedOver: number;
}

/**
 * Each case: good lines with one mutated line among them. Whatever the mutation, the parser
 * must not throw, must read every good line exactly as it does alone, and must either report
 * the mutated line (quoting it) or read from it only values that obey the tool's rules.
 */
export function fuzzLines<T>({ good, seed, cases, parse, valid, header, reportedOver }: LineFuzz<T>): void {
  const withHeader = (lines: string[]) => (header === undefined ? lines : [header, ...lines]);
  const random = seededRandom(seed);
  const tally = { reported: 0, stillValid: 0 };
  for (let n = 0; n < cases; n++) {
    const sample = Array.from({ length: 5 }, () => good[Math.floor(random() * good.length)]!);
    const mutation = mutate(sample[2]!, random);
    const context = `case ${n} (${mutation.kind}): ${JSON.stringify(mutation.line)}`;
    const parsed = parse(withHeader([...sample.slice(0, 2), mutation.line, ...sample.slice(3)]));
    const alone = parse(withHeader([mutation.line]));
    const others = parse(withHeader([...sample.slice(0, 2), ...sample.slice(3)]));
    assert.equal(others.items.length, 4, 'the good lines themselves parse');
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
  // Guards the test itself: many mutations must be caught, and some must survive as valid.
  assert.ok(tally.reported > reportedOver, JSON.stringify(tally));
  assert.ok(tally.stillValid > 50, JSON.stringify(tally));
}
