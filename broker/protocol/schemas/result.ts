import { RESULT_STATUSES } from '../vocabulary.js';
import { dateTime, envelopeProperties, envelopeRequired, openObject, text, uuid } from './common.js';

export const MAX_RESULT_OUTPUT = 65536;

/** `up/result`: how a command ended. Spooled until a receipt. */
export const resultSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'result',
  type: 'object',
  additionalProperties: false,
  required: [...envelopeRequired, 'commandId', 'status', 'startedAt', 'finishedAt'],
  properties: {
    ...envelopeProperties,
    commandId: uuid,
    status: { type: 'string', enum: RESULT_STATUSES },
    startedAt: dateTime,
    finishedAt: dateTime,
    exitCode: { type: 'integer', minimum: -2147483648, maximum: 4294967295 },
    error: text(8192, 1),
    output: { ...text(MAX_RESULT_OUTPUT), description: 'The tail of the output, truncated at the front.' },
    data: { ...openObject, description: 'Per command type: dry-run transaction, per-package outcomes…' },
  },
} as const;
