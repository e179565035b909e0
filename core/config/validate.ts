import type { ErrorObject } from 'ajv';
import { createValidatorAjv } from '../../broker/protocol/index.js';
import { configSchema } from './schema.js';
import { describeRule, type SchemaNode, schemaAt } from './schema-walk.js';

// Compiled once; useDefaults fills every missing key from the schema in place.
const ajv = createValidatorAjv({ useDefaults: true });
const validate = ajv.compile(configSchema);

/** Validates and fills defaults in place; returns the errors, or null when valid. */
export function validateConfig(raw: Record<string, unknown>): ErrorObject[] | null {
  return validate(raw) ? null : (validate.errors ?? []);
}

/**
 * One line a user can act on: where the value came from, the key path, the rule, the value.
 * e.g. `config.yaml: http.port must be an integer from 1 to 65535, got "abc"`.
 */
export function formatValidationError(
  error: ErrorObject,
  raw: Record<string, unknown>,
  origins: Map<string, string>,
  configPath: string | null,
): string {
  const path = error.instancePath.split('/').slice(1).map(decodePointer);
  if (error.keyword === 'additionalProperties') {
    const extra = String((error.params as { additionalProperty: string }).additionalProperty);
    const fullPath = [...path, extra];
    const parent = schemaAt(configSchema as SchemaNode, path);
    const known = Object.keys(parent?.properties ?? {}).join(', ');
    const where = path.length ? `under ${path.join('.')}` : 'at the top level';
    return `${originOf(fullPath, origins, configPath)}: ${fullPath.join('.')} is not a known setting (known ${where}: ${known})`;
  }
  const leaf = schemaAt(configSchema as SchemaNode, path);
  const value = valueAt(raw, path);
  const rule = leaf?.properties ? 'a mapping of settings' : leaf ? describeRule(leaf) : error.message;
  return `${originOf(path, origins, configPath)}: ${path.join('.') || '(root)'} must be ${rule}, got ${JSON.stringify(value)}`;
}

function originOf(path: string[], origins: Map<string, string>, configPath: string | null): string {
  for (let i = path.length; i > 0; i--) {
    const origin = origins.get(path.slice(0, i).join('.'));
    if (origin) return origin;
  }
  return configPath ?? 'configuration';
}

function valueAt(tree: unknown, path: string[]): unknown {
  let node = tree;
  for (const key of path) node = (node as Record<string, unknown> | undefined)?.[key];
  return node;
}

function decodePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}
