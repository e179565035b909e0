import { EVENT_SEVERITIES } from '../vocabulary.js';
import { envelopeProperties, envelopeRequired, openObject, text, word } from './common.js';

/** `up/event`: something the agent wants on record (system_events). Spooled until a receipt. */
export const eventSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'event',
  type: 'object',
  additionalProperties: false,
  required: [...envelopeRequired, 'type', 'severity', 'message'],
  properties: {
    ...envelopeProperties,
    type: { ...word, description: 'e.g. `agent.migration`, `plugin.failed`, `security.command_rejected`.' },
    subtype: word,
    severity: { type: 'string', enum: EVENT_SEVERITIES },
    message: text(4096, 1),
    metadata: openObject,
  },
} as const;
