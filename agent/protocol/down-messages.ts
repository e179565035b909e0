import type { ValidateFunction } from 'ajv';
import {
  type CommandMessage,
  type ConfigMessage,
  type DownType,
  MAX_PAYLOAD_BYTES,
  messageSchemas,
  type ReceiptMessage,
} from '../../broker/protocol/index.js';
import { createAjv, describeAjvErrors } from './ajv.js';

export interface DownMessageByType {
  command: CommandMessage;
  receipt: ReceiptMessage;
  config: ConfigMessage;
}

export type DownValidation<T> = { ok: true; message: T } | { ok: false; error: string; id: string | null };

/**
 * Everything the core sends is checked against its protocol schema before the agent reads it:
 * size first, then JSON, then the schema (compiled once). A bad message is refused and
 * logged; it never reaches a handler.
 */
export class DownMessageValidator {
  private readonly validators: Record<DownType, ValidateFunction>;

  constructor() {
    const ajv = createAjv();
    this.validators = {
      command: ajv.compile(messageSchemas.command),
      receipt: ajv.compile(messageSchemas.receipt),
      config: ajv.compile(messageSchemas.config),
    };
  }

  validate<T extends DownType>(type: T, payload: Buffer): DownValidation<DownMessageByType[T]> {
    const limit = MAX_PAYLOAD_BYTES[type];
    if (payload.length > limit)
      return {
        ok: false,
        error: `payload of ${payload.length} bytes exceeds the ${limit}-byte limit for ${type}`,
        id: null,
      };
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload.toString('utf8'));
    } catch (err) {
      return { ok: false, error: `not JSON: ${(err as Error).message}`, id: null };
    }
    const validate = this.validators[type];
    if (!validate(parsed)) return { ok: false, error: describeAjvErrors(validate.errors), id: idOf(parsed) };
    return { ok: true, message: parsed as DownMessageByType[T] };
  }
}

function idOf(value: unknown): string | null {
  const id = (value as { id?: unknown } | null)?.id;
  return typeof id === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)
    ? id
    : null;
}
