import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

export interface ValidatorAjvOptions {
  /** Fill in schema defaults (configuration). */
  useDefaults?: boolean;
  /** Report every error, not just the first (plugin and API messages that list them all). */
  allErrors?: boolean;
  /**
   * Refuse schemas with unknown keywords (the default). Off only for schemas the project does
   * not write itself (a plugin's), which may carry annotations ajv does not know.
   */
  strict?: boolean;
}

/**
 * The one ajv set-up of the project (issue 22 §1): strict, union types allowed, with the
 * `uuid`, `uri`, `date-time`… formats. Every schema of the protocol, the API, the
 * configuration and the plugins is compiled by an instance made here.
 */
export function createValidatorAjv(opts: ValidatorAjvOptions = {}): Ajv {
  const ajv = new Ajv({
    allErrors: opts.allErrors ?? false,
    strict: opts.strict ?? true,
    allowUnionTypes: true,
    useDefaults: opts.useDefaults ?? false,
  });
  addFormats(ajv);
  return ajv;
}

type AjvError = Pick<ErrorObject, 'instancePath' | 'keyword' | 'message' | 'params'>;

/** Where the first schema error is, as a JSON pointer (`/params/plugin`); `''` for the root. */
export function firstErrorPath(errors: ReadonlyArray<AjvError> | null | undefined): string {
  const first = errors?.[0];
  if (!first) return '';
  if (first.keyword === 'additionalProperties')
    return `${first.instancePath}/${(first.params as { additionalProperty: string }).additionalProperty}`;
  if (first.keyword === 'required')
    return `${first.instancePath}/${(first.params as { missingProperty: string }).missingProperty}`;
  return first.instancePath;
}

/** One line about the first schema error: `/server/url must match format "uri"`. */
export function describeAjvErrors(
  errors: ReadonlyArray<AjvError> | null | undefined,
  fallback = 'invalid',
): string {
  const first = errors?.[0];
  if (!first) return fallback;
  const where = first.instancePath || '(root)';
  if (first.keyword === 'additionalProperties')
    return `${where}: unknown field "${(first.params as { additionalProperty: string }).additionalProperty}"`;
  return `${where} ${first.message ?? 'is invalid'}`;
}
