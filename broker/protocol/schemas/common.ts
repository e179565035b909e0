import { UUID_PATTERN } from '../ids.js';

/**
 * Building blocks shared by the message schemas. Each schema is a self-contained draft-07 object
 * (no $ref, no $id) so a consumer can compile it on any ajv instance, any number of times.
 */

export const uuid = { type: 'string', format: 'uuid', pattern: UUID_PATTERN } as const;

// RFC 3339 with a time zone; ajv-formats' "date-time". The length cap only bounds garbage.
export const dateTime = { type: 'string', format: 'date-time', maxLength: 64 } as const;

/** `{ v, id, ts }`, the envelope every message but `presence` carries. */
export const envelopeProperties = {
  v: { type: 'integer', const: 1, description: 'Protocol version; also in the topic.' },
  id: { ...uuid, description: 'Message id, kept across re-sends (receipts and de-duplication use it).' },
  ts: { ...dateTime, description: 'When the sender published this copy of the message.' },
} as const;

export const envelopeRequired = ['v', 'id', 'ts'] as const;

/** Plugin names are their folder names: `apt`, `docker`, `windows-update`. */
export const pluginName = { type: 'string', pattern: '^[a-z][a-z0-9-]{0,63}$' } as const;

/** Short machine words (event types, plugin kinds, os ids): lowercase, no spaces. */
export const word = { type: 'string', pattern: '^[a-z0-9][a-z0-9_.-]{0,63}$' } as const;

// OCI digest grammar: algorithm ":" encoded (`sha256:4f1c…`).
export const digest = {
  type: 'string',
  maxLength: 256,
  pattern: '^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[A-Za-z0-9=_-]+$',
} as const;

export function text(maxLength: number, minLength = 0) {
  return { type: 'string', minLength, maxLength } as const;
}

export const nonNegativeInteger = { type: 'integer', minimum: 0 } as const;

/**
 * An open map: plugin metadata, command params, result data, plugin settings. Its contents
 * belong to a plugin or a command handler, which validate them; the protocol bounds only its
 * size. These are the only objects in the protocol without `additionalProperties: false`.
 */
export const openObject = {
  type: 'object',
  maxProperties: 256,
  propertyNames: { type: 'string', maxLength: 128 },
  additionalProperties: true,
} as const;
