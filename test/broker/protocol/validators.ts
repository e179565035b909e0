import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import formatsPlugin from 'ajv-formats';
import { messageSchemas } from '../../../broker/protocol/index.js';
import type { MessageType } from '../../../broker/protocol/index.js';

// ajv-formats is CommonJS: under NodeNext its default import is typed as the module object,
// while at run time it is the plugin function itself.
const addFormats = formatsPlugin as unknown as typeof formatsPlugin.default;

/** The options consumers use: strict schemas, every error reported. */
export function createAjv(): Ajv {
  const ajv = new Ajv({ strict: true, allErrors: true });
  addFormats(ajv);
  return ajv;
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
