import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { ValidateFunction } from 'ajv';

/**
 * Proxmox's published API schema (test/fixtures/proxmox/README.md says where it came from),
 * converted to JSON Schema by the fixture's own converter: every answer the stand-in serves is
 * checked against the `returns` of its endpoint, unknown fields refused, so it cannot drift.
 */
const FIXTURES = fileURLToPath(new URL('../../fixtures/proxmox/', import.meta.url));
const require = createRequire(import.meta.url);

interface Converter {
  toJsonSchema(returns: unknown, opts: { noExtra: boolean }): object;
  makeAjv(): { compile(schema: object): ValidateFunction };
}

const converter = require(`${FIXTURES}validate-samples.cjs`) as Converter;
const api = JSON.parse(readFileSync(`${FIXTURES}pve-api-schema.json`, 'utf8')) as Record<
  string,
  { returns: unknown; path: string }
>;
const ajv = converter.makeAjv();
const compiled = new Map<string, ValidateFunction>();

/** `/nodes/pve1/lxc/101/config` → `GET /nodes/{node}/lxc/{vmid}/config`, or null. */
export function endpointKey(path: string): string | null {
  for (const [key, entry] of Object.entries(api)) {
    const pattern = new RegExp(`^${entry.path.replace(/\{[a-z]+\}/g, '[^/]+')}$`);
    if (pattern.test(path)) return key;
  }
  return null;
}

/** The problems of `data` as the `returns` of `key`; empty when it is valid. */
export function schemaProblems(key: string, data: unknown): string[] {
  let validate = compiled.get(key);
  if (!validate) {
    const entry = api[key];
    if (!entry) return [`no schema for ${key}`];
    validate = ajv.compile(converter.toJsonSchema(entry.returns, { noExtra: true }));
    compiled.set(key, validate);
  }
  return validate(data) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
