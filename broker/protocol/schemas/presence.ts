import { dateTime, text } from './common.js';

/**
 * `presence`, retained. The only message without `id`: it is state, not an event, and its last
 * will (`{"v":1,"online":false}`) is fixed when the agent connects, so it has no id or time of
 * its own; the broker's disconnect event tells the core when.
 */
export const presenceSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'presence',
  type: 'object',
  additionalProperties: false,
  required: ['v', 'online'],
  properties: {
    v: { type: 'integer', const: 1 },
    online: { type: 'boolean' },
    ts: dateTime,
    agentVersion: text(64, 1),
  },
} as const;
