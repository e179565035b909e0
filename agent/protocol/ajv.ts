import { createValidatorAjv, describeAjvErrors } from '../../broker/protocol/index.js';

/** One ajv instance per use: the project's set-up (broker/protocol/ajv.ts, issue 22 §1). */
export function createAjv(opts: { useDefaults?: boolean } = {}) {
  return createValidatorAjv(opts);
}

export { describeAjvErrors };
