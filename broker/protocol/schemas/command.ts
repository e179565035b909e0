import { COMMAND_TYPES } from '../vocabulary.js';
import { dateTime, envelopeProperties, envelopeRequired, openObject, uuid } from './common.js';

export const KEY_ID_PATTERN = '^[A-Za-z0-9_-]{22}$';
export const COMMAND_SIGNATURE_PATTERN = '^[A-Za-z0-9+/]{86}==$';
export const MAX_COMMAND_ATTEMPT = 1000;

/**
 * `down/command`, signed by the server key. The signature covers the canonical JSON of `id,
 * agentId, type, params, issuedAt, expiresAt, attempt, keyId`; `v` and `ts` are transport and
 * may change on a re-send without re-signing.
 */
export const commandSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'command',
  type: 'object',
  additionalProperties: false,
  required: [
    ...envelopeRequired,
    'agentId',
    'type',
    'params',
    'issuedAt',
    'expiresAt',
    'attempt',
    'keyId',
    'signature',
  ],
  properties: {
    ...envelopeProperties,
    agentId: uuid,
    type: { type: 'string', enum: COMMAND_TYPES },
    params: { ...openObject, description: 'Validated by the handler of the command type.' },
    issuedAt: dateTime,
    expiresAt: dateTime,
    attempt: { type: 'integer', minimum: 1, maximum: MAX_COMMAND_ATTEMPT },
    keyId: { type: 'string', pattern: KEY_ID_PATTERN, description: 'keyFingerprint of the signing key.' },
    signature: { type: 'string', pattern: COMMAND_SIGNATURE_PATTERN, description: 'Ed25519, base64.' },
  },
} as const;
