const VERSION_TAG = /^(v?)(\d+(?:\.\d+)*)((?:[-_+].*)?)$/;

/** `1.27`, `v2.3.1`, `10.9.1-alpine`: a tag that names a version. */
export function looksLikeVersion(tag: string): boolean {
  return VERSION_TAG.test(tag);
}

/**
 * The newest tag of the same shape as `tag` (same `v` prefix, as many numbers, same suffix)
 * that is higher: `1.27` → `1.29` but not `1.29-alpine` or `2`. Undefined when none is.
 */
export function newerTag(tag: string, tags: readonly string[]): string | undefined {
  const mine = VERSION_TAG.exec(tag);
  if (!mine) return undefined;
  const numbers = (s: string) => s.split('.').map(Number);
  let best: { tag: string; numbers: number[] } = { tag, numbers: numbers(mine[2]!) };
  for (const candidate of tags) {
    const other = VERSION_TAG.exec(candidate);
    if (!other || other[1] !== mine[1] || other[3] !== mine[3]) continue;
    const parts = numbers(other[2]!);
    if (parts.length !== best.numbers.length) continue;
    if (compareNumbers(parts, best.numbers) > 0) best = { tag: candidate, numbers: parts };
  }
  return best.tag === tag ? undefined : best.tag;
}

function compareNumbers(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}
