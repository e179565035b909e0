import type { ValidateFunction } from 'ajv';
import { commandParamsSchemas, createValidatorAjv, firstErrorPath } from '../../broker/protocol/index.js';

/** Why a request cannot become a command; the route maps `status` to HTTP as it is. */
export interface IssueRefusal {
  status: 400 | 403 | 503;
  error: { code: string; message: string; details?: unknown };
}

const ajv = createValidatorAjv();
const paramsValidators = new Map<string, ValidateFunction>(
  Object.entries(commandParamsSchemas).map(([type, schema]) => [type, ajv.compile(schema)]),
);

/**
 * Checks `params` with the protocol's schema of the type, the one the agent's handler checks
 * (issue 22 §1): bad params are refused here, before anything is stored or signed, with the
 * field named (`details.field`, a JSON pointer into the request body).
 */
export function checkParams(type: string, params: Record<string, unknown>): IssueRefusal | null {
  const validate = paramsValidators.get(type);
  if (!validate || validate(params)) return null;
  const path = firstErrorPath(validate.errors);
  const first = validate.errors![0]!;
  const field = `/params${path}`;
  const message =
    first.keyword === 'additionalProperties'
      ? `params${first.instancePath}: unknown field "${(first.params as { additionalProperty: string }).additionalProperty}"`
      : first.keyword === 'required'
        ? `params${path} is required`
        : `params${first.instancePath} ${first.message ?? 'is invalid'}`;
  return { status: 400, error: { code: 'invalid_params', message, details: { field, type } } };
}
