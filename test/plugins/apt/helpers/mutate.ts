/** mulberry32: a small seeded PRNG, so every fuzz run tries exactly the same cases. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Characters that matter to the parsers (separators, brackets) and some that must never pass
// (controls, NUL, the replacement character invalid UTF-8 decodes to, non-ASCII).
const GARBAGE = [
  '\u0000',
  '\u0007',
  '\u001b[31m',
  '\uFFFD',
  '\u00e9',
  ' ',
  '  ',
  '/',
  ',',
  ':',
  '[',
  ']',
  '(',
  ')',
  '=',
  '-',
  '\t',
  '\\',
  '"',
  ';',
];

export interface Mutation {
  kind: string;
  line: string;
}

/** One deterministic mutation of a line: truncate, swap fields, insert garbage, random characters… */
export function mutate(line: string, random: () => number): Mutation {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const at = (max: number) => Math.floor(random() * (max + 1));
  const fields = line.split(' ');
  switch (
    pick(['truncate', 'swap', 'garbage', 'random-char', 'drop-field', 'duplicate-field', 'case'] as const)
  ) {
    case 'truncate':
      return { kind: 'truncate', line: line.slice(0, at(line.length - 1)) };
    case 'swap': {
      const i = at(fields.length - 1);
      const j = at(fields.length - 1);
      [fields[i], fields[j]] = [fields[j]!, fields[i]!];
      return { kind: 'swap', line: fields.join(' ') };
    }
    case 'garbage': {
      const i = at(line.length);
      return { kind: 'garbage', line: line.slice(0, i) + pick(GARBAGE) + line.slice(i) };
    }
    case 'random-char': {
      const i = at(line.length - 1);
      return {
        kind: 'random-char',
        line: line.slice(0, i) + String.fromCharCode(at(0x2ff)) + line.slice(i + 1),
      };
    }
    case 'drop-field':
      fields.splice(at(fields.length - 1), 1);
      return { kind: 'drop-field', line: fields.join(' ') };
    case 'duplicate-field': {
      const i = at(fields.length - 1);
      fields.splice(i, 0, fields[i]!);
      return { kind: 'duplicate-field', line: fields.join(' ') };
    }
    case 'case':
      return { kind: 'case', line: line.toUpperCase() };
  }
}
