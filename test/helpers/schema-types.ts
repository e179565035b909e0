/**
 * Compile-time comparison of a hand-written type with a JSON schema written `as const`: the
 * same property names, and the same required ones. Used where a type is written for editors
 * and its schema is what validates (issue 22 §1).
 */
export type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
export type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];
export type ObjectSchema = { properties: object; required?: readonly string[] };
/** The names a schema requires; none when it has no `required`. */
export type SchemaRequired<S> = S extends { required: readonly (infer R)[] } ? R : never;
export type Matches<T, S> = S extends ObjectSchema
  ? Equal<keyof T, keyof S['properties']> extends true
    ? Equal<RequiredKeys<T>, SchemaRequired<S>>
    : false
  : false;
