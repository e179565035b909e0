import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** One ajv instance per use, strict, with `uuid` and `date-time` formats. */
export function createAjv(opts: { useDefaults?: boolean } = {}): Ajv {
  const ajv = new Ajv({
    allErrors: false,
    strict: true,
    allowUnionTypes: true,
    useDefaults: opts.useDefaults,
  });
  addFormats(ajv);
  return ajv;
}

/** One line about the first schema error: `/server/url must match format "uri"`. */
export function describeAjvErrors(
  errors:
    | ReadonlyArray<{ instancePath: string; keyword: string; message?: string; params: unknown }>
    | null
    | undefined,
): string {
  const first = errors?.[0];
  if (!first) return 'invalid';
  const where = first.instancePath || '(root)';
  if (first.keyword === 'additionalProperties')
    return `${where}: unknown field "${(first.params as { additionalProperty: string }).additionalProperty}"`;
  return `${where} ${first.message ?? 'is invalid'}`;
}
