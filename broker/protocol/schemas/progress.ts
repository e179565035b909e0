import { PROGRESS_STREAMS } from '../vocabulary.js';
import { envelopeProperties, envelopeRequired, nonNegativeInteger, text, uuid } from './common.js';

export const MAX_PROGRESS_LINE = 8192;

/** `up/progress`: one line of a running command's output. Best effort: not spooled. */
export const progressSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'progress',
  type: 'object',
  additionalProperties: false,
  required: [...envelopeRequired, 'commandId', 'seq', 'stream', 'line'],
  properties: {
    ...envelopeProperties,
    commandId: uuid,
    seq: { ...nonNegativeInteger, description: 'Per command, from 0, +1 per line: ordering and gaps.' },
    stream: { type: 'string', enum: PROGRESS_STREAMS },
    line: text(MAX_PROGRESS_LINE),
    percent: { type: 'number', minimum: 0, maximum: 100 },
  },
} as const;
