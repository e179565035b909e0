import type { Ajv, ValidateFunction } from 'ajv';
import { createValidatorAjv, messageSchemas } from '../../../broker/protocol/index.js';
import type { MessageType } from '../../../broker/protocol/index.js';

/** The project's one ajv set-up (issue 22 §1), every error reported. */
export function createAjv(): Ajv {
  return createValidatorAjv({ allErrors: true });
}

const ajv = createAjv();
const compiled = new Map<MessageType, ValidateFunction>();

export function validatorFor(type: MessageType): ValidateFunction {
  let validate = compiled.get(type);
  if (!validate) {
    validate = ajv.compile(messageSchemas[type]);
    compiled.set(type, validate);
  }
  return validate;
}

/** Null when valid, else ajv's errors as one readable string. */
export function schemaErrors(type: MessageType, value: unknown): string | null {
  const validate = validatorFor(type);
  if (validate(value)) return null;
  return ajv.errorsText(validate.errors);
}

export function isValid(type: MessageType, value: unknown): boolean {
  return schemaErrors(type, value) === null;
}
