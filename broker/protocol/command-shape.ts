import { decodeBase64, decodeBase64Url } from './base64.js';
import { isUuid } from './ids.js';
import type { CommandFields } from './types.js';
import { commandSchema, MAX_COMMAND_ATTEMPT } from './schemas/command.js';
import { COMMAND_TYPES } from './vocabulary.js';

/**
 * The structural checks of the command schema that the signature verifier depends on, without
 * ajv (this room imports node builtins only). The agent runs the full schema as well; this
 * keeps the reference verifier safe on its own.
 */

type SignedCommandField = Exclude<(typeof commandSchema.required)[number], 'v' | 'ts' | 'signature'>;

/**
 * The fields a command signature covers, in the order the documentation lists them: the schema's
 * required fields less the transport (`v`, `ts`, re-stamped on a re-send) and the signature.
 */
export const SIGNED_COMMAND_FIELDS: readonly SignedCommandField[] = commandSchema.required.filter(
  (key): key is SignedCommandField => key !== 'v' && key !== 'ts' && key !== 'signature',
) satisfies readonly (keyof CommandFields)[];

const COMMAND_KEYS = new Set<string>(['v', 'ts', 'signature', ...SIGNED_COMMAND_FIELDS]);

// RFC 3339 date-time with a zone, as ajv-formats' "date-time" accepts (upper- or lowercase T/Z).
const DATE_TIME_RE = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;

/** Milliseconds since the epoch, or null when `value` is not an RFC 3339 date-time. */
export function parseDateTime(value: unknown): number | null {
  if (typeof value !== 'string' || !DATE_TIME_RE.test(value)) return null;
  const ms = Date.parse(value.toUpperCase());
  return Number.isFinite(ms) ? ms : null;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** What is wrong with the signed fields, or null. */
export function describeMalformedFields(fields: unknown): string | null {
  if (!isPlainObject(fields)) return 'not an object';
  const missing = SIGNED_COMMAND_FIELDS.filter((key) => fields[key] === undefined);
  if (missing.length > 0) return `missing ${missing.join(', ')}`;
  if (!isUuid(fields.id)) return 'id is not a lowercase UUID';
  if (!isUuid(fields.agentId)) return 'agentId is not a lowercase UUID';
  if (!(COMMAND_TYPES as readonly unknown[]).includes(fields.type))
    return `unknown type ${String(fields.type)}`;
  if (!isPlainObject(fields.params)) return 'params is not an object';
  const issuedAt = parseDateTime(fields.issuedAt);
  const expiresAt = parseDateTime(fields.expiresAt);
  if (issuedAt === null) return 'issuedAt is not a date-time';
  if (expiresAt === null) return 'expiresAt is not a date-time';
  if (expiresAt <= issuedAt) return 'expiresAt is not after issuedAt';
  const { attempt } = fields;
  if (
    typeof attempt !== 'number' ||
    !Number.isInteger(attempt) ||
    attempt < 1 ||
    attempt > MAX_COMMAND_ATTEMPT
  ) {
    return `attempt is not an integer from 1 to ${MAX_COMMAND_ATTEMPT}`;
  }
  if (!decodeBase64Url(fields.keyId, 16)) return 'keyId is not a key fingerprint';
  return null;
}

/** What is wrong with a whole command message, or null. */
export function describeMalformedCommand(message: unknown): string | null {
  if (!isPlainObject(message)) return 'not an object';
  const unknown = Object.keys(message).filter((key) => !COMMAND_KEYS.has(key));
  if (unknown.length > 0) return `unknown field ${unknown.join(', ')}`;
  if (message.v !== 1) return `unsupported version ${String(message.v)}`;
  if (parseDateTime(message.ts) === null) return 'ts is not a date-time';
  if (!decodeBase64(message.signature, 64)) return 'signature is not 64 bytes of base64';
  return describeMalformedFields(message);
}
