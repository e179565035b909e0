import { SPOOLED_UP_TYPES } from '../topics.js';
import { RECEIPT_STATUSES } from '../vocabulary.js';
import { envelopeProperties, envelopeRequired, text, uuid } from './common.js';

/**
 * `down/receipt`: the core is done with a spooled message, after its database commit. Every
 * status lets the agent drop it from its spool; no receipt means "send it again later".
 */
export const receiptSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'receipt',
  type: 'object',
  additionalProperties: false,
  required: [...envelopeRequired, 'ackOf', 'type', 'status'],
  properties: {
    ...envelopeProperties,
    ackOf: { ...uuid, description: 'The `id` of the up message this answers.' },
    type: { type: 'string', enum: SPOOLED_UP_TYPES },
    status: { type: 'string', enum: RECEIPT_STATUSES },
    reason: text(1024, 1),
  },
} as const;
