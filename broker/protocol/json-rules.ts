/**
 * What a message's JSON may hold beyond its schema (docs/protocol.md "String rules and
 * nesting", issue 21 §8). JSON allows values PostgreSQL refuses to store: a NUL character
 * (`\u0000`, refused in text and in jsonb) and a lone UTF-16 surrogate (`\ud800`, refused in
 * jsonb); and nesting deep enough to overflow the stack of every recursive reader after the
 * parser (JSON.stringify in the database driver, the panel's renderers).
 */

/** NUL, a high surrogate not followed by a low one, a low surrogate not preceded by a high one. */
// eslint-disable-next-line no-control-regex -- NUL is exactly what this matches
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** U+FFFD REPLACEMENT CHARACTER: one code unit, so a string keeps its length (and its schema bounds). */
export const REPLACEMENT_CHARACTER = '\ufffd';

/** The text with NUL characters and lone surrogates replaced by U+FFFD; the same string when it has none. */
export function storableText(text: string): string {
  UNSTORABLE.lastIndex = 0;
  return UNSTORABLE.test(text) ? text.replace(UNSTORABLE, REPLACEMENT_CHARACTER) : text;
}

/**
 * Applies `storableText` to every string of a parsed JSON value, object keys included, in
 * place (a key that changes moves to the end of its object). Returns the value.
 * Recursive: call it on values whose depth is bounded (`scanJsonPayload` first).
 */
export function makeStorable<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      value[i] = typeof item === 'string' ? storableText(item) : makeStorable(item);
    }
    return value;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const item = record[key];
    const fixed = typeof item === 'string' ? storableText(item) : makeStorable(item);
    const storableKey = storableText(key);
    if (storableKey !== key) {
      delete record[key];
      record[storableKey] = fixed;
    } else if (fixed !== item) record[key] = fixed;
  }
  return value;
}

/**
 * JSON.stringify, following the string rules: the text of a value that holds a NUL or a lone
 * surrogate (JSON.stringify writes them as `\u0000` and `\ud800`) is made again from a fixed copy.
 */
export function storableJson(value: unknown): string {
  const text = JSON.stringify(value);
  return /\\u(?:0000|[dD][89a-fA-F])/.test(text) ? JSON.stringify(makeStorable(JSON.parse(text))) : text;
}

/**
 * True when a JSON text may hold a NUL or a lone surrogate. Both can only come from a `\u`
 * escape: a raw NUL is not valid JSON, and decoding UTF-8 never yields a lone surrogate
 * (an encoded one is an invalid sequence, read as U+FFFD). A message without `\u` skips the walk.
 */
export function mayHoldUnstorableText(payload: Buffer): boolean {
  return payload.includes('\\u');
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

export interface JsonPayloadScan {
  /** The deepest nesting seen, capped at `maxDepth + 1` (the message object is level 1). */
  depth: number;
  /** The top-level `id` member when it is a string without escapes, so a refusal can name it. */
  id: string | null;
}

/**
 * One pass over the raw bytes, before JSON.parse: how deep the text nests, and its top-level
 * `id`. Parsing a 16 MiB scan of nested brackets takes seconds and hundreds of MiB (V8 builds
 * every level), so depth is refused before any of that is built. Not a validator: malformed
 * text is left for JSON.parse to refuse. UTF-8 continuation bytes are never ASCII, so bytes can
 * be read one at a time.
 */
export function scanJsonPayload(payload: Buffer, maxDepth: number): JsonPayloadScan {
  let depth = 0;
  let deepest = 0;
  let id: string | null = null;
  // At the top level: the next string is a member name / the last name read was `id` / the
  // next string is the value of `id`.
  let expectName = false;
  let nameIsId = false;
  let valueIsId = false;
  const n = payload.length;
  for (let i = 0; i < n; i++) {
    const c = payload[i];
    if (c === QUOTE) {
      const start = i + 1;
      let escaped = false;
      for (i = start; i < n; i++) {
        const d = payload[i];
        if (d === BACKSLASH) {
          escaped = true;
          i++;
        } else if (d === QUOTE) break;
      }
      if (depth === 1 && !escaped) {
        if (expectName) nameIsId = i - start === 2 && payload[start] === 0x69 && payload[start + 1] === 0x64;
        else if (valueIsId && id === null) id = payload.toString('latin1', start, i);
      }
      expectName = false;
      valueIsId = false;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        // Deeper than allowed: only the top-level id is still of interest.
        if (deepest > maxDepth && id !== null) break;
      }
      expectName = depth === 1 && c === OPEN_OBJECT;
      valueIsId = false;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth--;
    } else if (depth === 1 && c === COMMA) {
      expectName = true;
      valueIsId = false;
    } else if (depth === 1 && c === COLON) {
      valueIsId = nameIsId;
      nameIsId = false;
    }
  }
  return { depth: Math.min(deepest, maxDepth + 1), id };
}
