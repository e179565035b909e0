/**
 * Canonical JSON: the exact bytes that command signatures cover (DESIGN.md §4). Object keys are
 * sorted (by UTF-16 code units, like RFC 8785) at every depth, no whitespace, arrays keep their
 * order, object members whose value is `undefined` are left out. Strings and numbers are written
 * as JSON.stringify writes them, which is also what RFC 8785 prescribes.
 *
 * Anything JSON cannot carry unambiguously throws instead of being silently dropped or coerced
 * the way JSON.stringify does: non-finite numbers, functions, symbols, bigints, `undefined` in
 * an array or at the top, cycles, and non-plain objects (Date, Map, Buffer, class instances),
 * because a signer and a verifier must never disagree about what was signed.
 */

/** Deep enough for any command params; a fixed limit makes signer and verifier agree. */
export const CANONICAL_JSON_MAX_DEPTH = 64;

export function canonicalJson(value: unknown): string {
  return encode(value, new Set(), '$', 0);
}

function encode(value: unknown, ancestors: Set<object>, path: string, depth: number): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} at ${path} is not finite`);
      return JSON.stringify(value);
    case 'object':
      if (value === null) return 'null';
      break;
    default:
      throw new TypeError(`canonicalJson: cannot encode a ${typeof value} at ${path}`);
  }
  if (depth >= CANONICAL_JSON_MAX_DEPTH) {
    throw new RangeError(`canonicalJson: nested deeper than ${CANONICAL_JSON_MAX_DEPTH} at ${path}`);
  }
  if (ancestors.has(value)) throw new TypeError(`canonicalJson: cycle at ${path}`);
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      const items = value.map((item: unknown, i) => {
        if (item === undefined) throw new TypeError(`canonicalJson: undefined at ${path}[${i}]`);
        return encode(item, ancestors, `${path}[${i}]`, depth + 1);
      });
      return `[${items.join(',')}]`;
    }
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      throw new TypeError(`canonicalJson: ${path} is not a plain object`);
    }
    const record = value as Record<string, unknown>;
    const members: string[] = [];
    for (const key of Object.keys(record).sort()) {
      const member = record[key];
      if (member === undefined) continue;
      members.push(`${JSON.stringify(key)}:${encode(member, ancestors, `${path}.${key}`, depth + 1)}`);
    }
    return `{${members.join(',')}}`;
  } finally {
    ancestors.delete(value);
  }
}
