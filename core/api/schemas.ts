/** Shared JSON schemas of API answers (they feed the OpenAPI description at /api/docs). */
import { ROLES } from '../../broker/protocol/index.js';

export const errorRef = { $ref: 'ErrorResponse#' } as const;

/** The refusals every protected route can answer. */
export const authErrors = { 401: errorRef, 403: errorRef } as const;

export const roleSchema = { type: 'string', enum: [...ROLES] } as const;

export const userSchema = {
  type: 'object',
  required: ['id', 'username', 'role', 'disabled', 'createdAt'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    username: { type: 'string' },
    displayName: { type: ['string', 'null'] },
    role: roleSchema,
    disabled: { type: 'boolean' },
    createdAt: { type: 'string', format: 'date-time' },
    lastLoginAt: { type: ['string', 'null'], format: 'date-time' },
  },
} as const;

export const apiTokenSchema = {
  type: 'object',
  required: ['id', 'name', 'role', 'createdAt'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    name: { type: 'string' },
    role: roleSchema,
    userId: { type: ['string', 'null'] },
    createdBy: { type: ['string', 'null'] },
    createdAt: { type: 'string', format: 'date-time' },
    expiresAt: { type: ['string', 'null'], format: 'date-time' },
    lastUsedAt: { type: ['string', 'null'], format: 'date-time' },
    revokedAt: { type: ['string', 'null'], format: 'date-time' },
  },
} as const;

export const uuidParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', format: 'uuid' } },
} as const;

/** An answer of one field: `{ "revoked": "<id>" }`, `{ "count": 3 }`. */
export function oneFieldAnswer<Field extends string, Type extends 'string' | 'integer'>(
  field: Field,
  type: Type,
  description?: string,
) {
  const property = description ? { type, description } : { type };
  return {
    type: 'object',
    required: [field],
    properties: { [field]: property } as Record<Field, { type: Type; description?: string }>,
  } as const;
}
