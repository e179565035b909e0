import type { ErrorObject, ValidateFunction } from 'ajv';
import { createValidatorAjv } from '../../broker/protocol/index.js';

// Configs get their defaults filled in; results and manifests are only checked, never changed.
const configAjv = createValidatorAjv({ useDefaults: true, allErrors: true });
const checkAjv = createValidatorAjv({ allErrors: true, strict: false });

/** Returns the problems with a value, one readable line each; empty when it is valid. */
export type Checker = (value: unknown) => string[];

/**
 * Compiles a plugin's config schema. Throws with ajv's message when the schema itself is
 * invalid (strict mode: a misspelt keyword is an error, not silently ignored).
 */
export function compileConfigChecker(schema: object, options: { hideValues?: boolean } = {}): Checker {
  return toChecker(configAjv.compile(schema), schema, options.hideValues);
}

export function compileChecker(schema: object): Checker {
  return toChecker(checkAjv.compile(schema), schema);
}

/** `hideValues`: secrets; a problem names the key, never the value given. */
function toChecker(validate: ValidateFunction, schema: object, hideValues = false): Checker {
  return (value) =>
    validate(value) ? [] : (validate.errors ?? []).map((e) => describeError(e, value, schema, hideValues));
}

/** `lockTimeoutSeconds must be >= 0, got -1`; `colour is not a known setting (known: a, b)`. */
function describeError(error: ErrorObject, root: unknown, schema: object, hideValues: boolean): string {
  const path = error.instancePath.split('/').slice(1).map(decodePointer);
  if (error.keyword === 'additionalProperties') {
    const extra = String((error.params as { additionalProperty: unknown }).additionalProperty);
    const known = Object.keys(propertiesAt(schema, path)).join(', ');
    return `${[...path, extra].join('.')} is not a known setting${known ? ` (known: ${known})` : ''}`;
  }
  const where = path.join('.') || '(root)';
  const got = path.length && !hideValues ? `, got ${preview(valueAt(root, path))}` : '';
  return `${where} ${error.message ?? 'is invalid'}${got}`;
}

function propertiesAt(schema: object, path: string[]): Record<string, unknown> {
  let node: unknown = schema;
  for (const key of path) {
    const properties = (node as { properties?: Record<string, unknown> } | undefined)?.properties;
    node = properties?.[key];
  }
  return (node as { properties?: Record<string, unknown> } | undefined)?.properties ?? {};
}

function valueAt(root: unknown, path: string[]): unknown {
  let node = root;
  for (const key of path) node = (node as Record<string, unknown> | undefined)?.[key];
  return node;
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function decodePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}
