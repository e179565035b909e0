import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import {
  makeStorable,
  MAX_MESSAGE_DEPTH,
  MAX_PAYLOAD_BYTES,
  mayHoldUnstorableText,
  messageSchemas,
  scanJsonPayload,
  storableText,
  type UpType,
} from '../../broker/protocol/index.js';

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

export type IntakeType = UpType | 'presence';

export type Validation<T> = { ok: true; message: T } | { ok: false; error: string; id: string | null };

/**
 * Every agent message is checked against its protocol schema before anything reads it: size
 * first (cheap), then nesting depth on the raw bytes, then JSON, then the schema (compiled once
 * per type). This is also the one place where the string rules apply (issue 21 §8,
 * docs/protocol.md "String rules and nesting"): NUL characters and lone surrogates become
 * U+FFFD before the schema sees the message, so whatever passes it can be stored.
 */
export class MessageValidator {
  private readonly validators = new Map<string, ValidateFunction>();

  constructor() {
    const ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true });
    addFormats(ajv);
    for (const [type, schema] of Object.entries(messageSchemas))
      this.validators.set(type, ajv.compile(schema as object));
  }

  validate<T>(type: IntakeType, payload: Buffer): Validation<T> {
    const limit = (MAX_PAYLOAD_BYTES as Record<string, number>)[type];
    if (limit !== undefined && payload.length > limit)
      return {
        ok: false,
        error: `payload of ${payload.length} bytes exceeds the ${limit}-byte limit for ${type}`,
        id: null,
      };
    const scanned = scanJsonPayload(payload, MAX_MESSAGE_DEPTH);
    if (scanned.depth > MAX_MESSAGE_DEPTH)
      return {
        ok: false,
        error: `nested deeper than the ${MAX_MESSAGE_DEPTH} levels a message may have`,
        id: idOf(scanned),
      };
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload.toString('utf8'));
    } catch (err) {
      // V8 quotes the text it stopped at, which may hold anything.
      return { ok: false, error: storableText(`not JSON: ${(err as Error).message}`), id: null };
    }
    if (mayHoldUnstorableText(payload)) parsed = makeStorable(parsed);
    const validate = this.validators.get(type);
    if (!validate) return { ok: false, error: `no schema for message type ${type}`, id: idOf(parsed) };
    if (!validate(parsed)) return { ok: false, error: describeErrors(validate.errors), id: idOf(parsed) };
    return { ok: true, message: parsed as T };
  }
}

function idOf(value: unknown): string | null {
  const id = (value as { id?: unknown } | null)?.id;
  return typeof id === 'string' && /^[0-9a-f-]{36}$/i.test(id) ? id : null;
}

function describeErrors(errors: ErrorObject[] | null | undefined): string {
  const first = errors?.[0];
  if (!first) return 'invalid message';
  const where = first.instancePath || '(root)';
  if (first.keyword === 'additionalProperties')
    return `${where}: unknown field "${(first.params as { additionalProperty: string }).additionalProperty}"`;
  return `${where} ${first.message ?? 'is invalid'}`;
}
