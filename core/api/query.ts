/**
 * Query-string helpers shared by the list routes: filters that take several values, and the
 * opaque keyset cursors handed back as `nextCursor`.
 */

const MAX_VALUES = 20;

/**
 * A filter that takes several values, written either way a client finds natural:
 * `status=failed&status=timed_out` or `status=failed,timed_out`.
 */
export function listParam(values: readonly string[], description?: string) {
  return commaListParam(`(${values.join('|')})`, description);
}

/** Same for free words (event types, components): letters, digits and `_ . : -`. */
export function wordListParam(description?: string) {
  return commaListParam('[A-Za-z0-9_.:-]{1,64}', description);
}

/** Repeated or comma-separated values, each matching the pattern `one`. */
function commaListParam(one: string, description?: string) {
  return {
    type: 'array',
    maxItems: MAX_VALUES,
    items: { type: 'string', pattern: `^${one}(,${one})*$` },
    ...(description ? { description } : {}),
  } as const;
}

/** The values of a list filter, split on commas; undefined when it was not given. */
export function splitList<T extends string = string>(param: readonly string[] | undefined): T[] | undefined {
  if (!param?.length) return undefined;
  return [...new Set(param.flatMap((p) => p.split(',')))] as T[];
}

export const cursorParam = {
  type: 'string',
  maxLength: 1000,
  description: '`nextCursor` of the previous page',
} as const;

/** A page cursor is the last row's key, opaque to clients. */
export function encodeCursor(parts: string[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

/** The key parts of a cursor this API gave, or null when it is anything else. */
export function decodeCursor(cursor: string, length: number): string[] | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== length || !parsed.every((p) => typeof p === 'string'))
      return null;
    return parsed as string[];
  } catch {
    return null;
  }
}

export const invalidCursor = {
  error: { code: 'invalid_cursor', message: 'cursor is not one this API gave; start again without it' },
} as const;

/** `{items, nextCursor}`, the shape of every paged list. */
export function pageSchema(item: object) {
  return {
    type: 'object',
    required: ['items', 'nextCursor'],
    properties: {
      items: { type: 'array', items: item },
      nextCursor: { type: ['string', 'null'] },
    },
  } as const;
}
