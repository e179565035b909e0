import { COMMAND_REJECT_REASONS } from '../vocabulary.js';
import { envelopeProperties, envelopeRequired, text, uuid } from './common.js';

/** `up/ack`: the agent took (or refused) a command. A refusal always says why. */
export const ackSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'ack',
  type: 'object',
  additionalProperties: false,
  required: [...envelopeRequired, 'commandId', 'accepted'],
  properties: {
    ...envelopeProperties,
    commandId: uuid,
    accepted: { type: 'boolean' },
    reason: { type: 'string', enum: COMMAND_REJECT_REASONS },
    detail: text(1024),
  },
  // A refusal names its reason; an acceptance has none. (`reason: true` satisfies ajv's strictRequired.)
  if: { properties: { accepted: { const: false } } },
  then: { properties: { reason: true }, required: ['reason'] },
  else: { properties: { reason: false } },
} as const;
