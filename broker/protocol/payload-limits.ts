import type { MessageType } from './schemas/index.js';

const KiB = 1024;
const MiB = 1024 * KiB;

/**
 * Largest accepted payload per message type, in bytes of the serialized JSON. The receiver checks
 * it before parsing, so a misbehaving peer costs at most this much memory per message. The
 * schemas bound each field; these bound the whole, sized from the worst realistic message.
 */
export const MAX_PAYLOAD_BYTES: Readonly<Record<MessageType, number>> = {
  // Up to 20,000 packages (a fresh Windows or Debian box with everything outdated is ~3,000),
  // each a few hundred bytes plus plugin metadata: 16 MiB leaves room without being a DoS tool.
  scan: 16 * MiB,
  // A host description and up to 64 plugins.
  hello: 64 * KiB,
  // One line of at most 8,192 characters; even if every character is a control character
  // escaped as \u00XX (6 bytes) the message stays under 64 KiB, so a valid line always fits.
  progress: 64 * KiB,
  // Output tail (64 Ki characters) plus data such as a dry-run transaction of hundreds of packages.
  result: 1 * MiB,
  ack: 8 * KiB,
  // A message of 4,096 characters plus metadata.
  event: 64 * KiB,
  // A handful of numbers and up to 64 mounts.
  metrics: 32 * KiB,
  // Install commands carry the confirmed transaction (DESIGN.md §3.7) in params.
  command: 256 * KiB,
  receipt: 8 * KiB,
  // Schedules and settings for up to 64 plugins.
  config: 256 * KiB,
  // Retained and replayed to every subscriber: kept tiny.
  presence: 1 * KiB,
};

/**
 * Deepest nesting of objects and arrays in any message, the message object itself being level
 * 1 (issue 21 §8). The fixed parts take at most 4 levels (scan → packages → package →
 * metadata), so every open map (`metadata`, `data`, `params`, plugin settings) keeps at least 8
 * of its own. The receiver checks it on the raw bytes, before parsing (`scanJsonPayload`).
 */
export const MAX_MESSAGE_DEPTH = 12;
