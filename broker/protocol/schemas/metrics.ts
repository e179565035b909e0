import { envelopeProperties, envelopeRequired, nonNegativeInteger, text } from './common.js';

/** `up/metrics`: a periodic health sample. Best effort: not spooled, the next one replaces it. */
export const metricsSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'metrics',
  type: 'object',
  additionalProperties: false,
  required: [...envelopeRequired, 'uptimeSec', 'load', 'memory'],
  properties: {
    ...envelopeProperties,
    uptimeSec: { type: 'number', minimum: 0 },
    load: {
      type: 'array',
      minItems: 3,
      maxItems: 3,
      description: 'Load averages over 1, 5 and 15 minutes (zeros on Windows).',
      items: { type: 'number', minimum: 0 },
    },
    memory: {
      type: 'object',
      additionalProperties: false,
      required: ['totalBytes', 'availableBytes'],
      properties: { totalBytes: nonNegativeInteger, availableBytes: nonNegativeInteger },
    },
    disks: {
      type: 'array',
      maxItems: 64,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['mount', 'totalBytes', 'freeBytes'],
        properties: { mount: text(1024, 1), totalBytes: nonNegativeInteger, freeBytes: nonNegativeInteger },
      },
    },
  },
} as const;
