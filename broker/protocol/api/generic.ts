/** Shapes every part of the HTTP API shares: what JSON makes of a value, one-or-many filter values, a page. */

/**
 * What JSON makes of a value the core holds: a Date goes out as its ISO-8601 string. The core's
 * records are `Json<…>` of these shapes once fastify has sent them.
 */
export type Json<T> = T extends Date
  ? string
  : T extends readonly (infer U)[]
    ? Json<U>[]
    : T extends object
      ? { [K in keyof T]: Json<T[K]> }
      : T;

/** One value or several (the API takes `severity=critical,high`). */
export type OneOrMany<T> = T | readonly T[];

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
