import type { ValidateFunction } from 'ajv';
import { createValidatorAjv, describeAjvErrors } from './ajv.js';
import { makeStorable, mayHoldUnstorableText, scanJsonPayload, storableText } from './json-rules.js';
import { MAX_MESSAGE_DEPTH, MAX_PAYLOAD_BYTES } from './payload-limits.js';
import { messageSchemas, type MessageType } from './schemas/index.js';
import type { MessageByType } from './types.js';

/** A message that passed every rule, or why it did not (and its `id` when one could be read). */
export type ParsedMessage<T> = { ok: true; message: T } | { ok: false; error: string; id: string | null };

// Compiled on first use, once per type: the agent only ever reads the down types.
const ajv = createValidatorAjv();
const validators = new Map<MessageType, ValidateFunction>();

function validatorOf(type: MessageType): ValidateFunction {
  let validate = validators.get(type);
  if (!validate) {
    validate = ajv.compile(messageSchemas[type] as object);
    validators.set(type, validate);
  }
  return validate;
}

/**
 * The one reader of MQTT payloads (issue 22 §1), for the core's intake and the agent alike.
 * Size first (cheap), then nesting depth on the raw bytes, then JSON, then the string rules
 * (docs/protocol.md "String rules and nesting": NUL characters and lone surrogates become
 * U+FFFD, so whatever passes can be stored), then the type's schema.
 */
export function parseMessage<T extends MessageType>(
  type: T,
  payload: Buffer,
): ParsedMessage<MessageByType[T]> {
  const limit = MAX_PAYLOAD_BYTES[type];
  if (limit === undefined) return { ok: false, error: `no schema for message type ${type}`, id: null };
  if (payload.length > limit)
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
  const validate = validatorOf(type);
  if (!validate(parsed))
    return { ok: false, error: describeAjvErrors(validate.errors, 'invalid message'), id: idOf(parsed) };
  return { ok: true, message: parsed as MessageByType[T] };
}

/** The message's `id` when it is a UUID, so a refusal can name the message it refuses. */
function idOf(value: unknown): string | null {
  const id = (value as { id?: unknown } | null)?.id;
  return typeof id === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)
    ? id
    : null;
}
