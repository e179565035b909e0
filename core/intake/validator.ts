import {
  type MessageByType,
  parseMessage,
  type ParsedMessage,
  type UpType,
} from '../../broker/protocol/index.js';

export type IntakeType = UpType | 'presence';

export type Validation<T> = ParsedMessage<T>;

/**
 * Every agent message is checked before anything reads it, by the protocol's one reader
 * (`parseMessage`, issue 22 §1): size, nesting, JSON, the string rules (issue 21 §8), schema.
 */
export class MessageValidator {
  validate<T>(type: IntakeType, payload: Buffer): Validation<T> {
    return parseMessage(type, payload) as Validation<MessageByType[IntakeType]> as Validation<T>;
  }
}
