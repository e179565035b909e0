import {
  type DownType,
  type MessageByType,
  parseMessage,
  type ParsedMessage,
} from '../../broker/protocol/index.js';

export type DownMessageByType = Pick<MessageByType, DownType>;

export type DownValidation<T> = ParsedMessage<T>;

/**
 * Everything the core sends is checked before the agent reads it, by the protocol's one
 * reader (`parseMessage`, issue 22 §1): size, nesting, JSON, string rules, schema. A bad
 * message is refused and logged; it never reaches a handler.
 */
export class DownMessageValidator {
  validate<T extends DownType>(type: T, payload: Buffer): DownValidation<DownMessageByType[T]> {
    return parseMessage(type, payload);
  }
}
