import { canonicalJson } from './canonical-json.js';
import {
  SIGNED_COMMAND_FIELDS,
  describeMalformedCommand,
  describeMalformedFields,
  parseDateTime,
} from './command-shape.js';
import { keyFingerprint, publicKeyFromPrivate, signBytes, verifyBytes } from './keys.js';
import type { CommandFields, CommandMessage } from './types.js';
import type { COMMAND_VERIFY_FAILURES } from './vocabulary.js';

/**
 * Signed commands (DESIGN.md §4, §6). The server signs the canonical JSON of exactly the
 * SIGNED_COMMAND_FIELDS; `v`, `ts` and `signature` are outside it, so a re-send may refresh `ts`.
 */
export { SIGNED_COMMAND_FIELDS };

/** How far in the future `issuedAt` may be, for agents whose clock runs behind the server's. */
export const COMMAND_CLOCK_SKEW_SEC = 300;

export type CommandVerifyFailure = (typeof COMMAND_VERIFY_FAILURES)[number];
export type CommandCheck = { ok: true } | { ok: false; reason: CommandVerifyFailure; detail: string };

/** The exact text a command signature covers. */
export function commandSigningPayload(fields: CommandFields): string {
  const signed: Record<string, unknown> = {};
  for (const key of SIGNED_COMMAND_FIELDS) signed[key] = fields[key];
  return canonicalJson(signed);
}

/**
 * Signs a command with the server key. Throws when the fields would not pass `verifyCommand`
 * on the agent, or when `keyId` is not the fingerprint of this key: both are bugs in the
 * caller, better found here than as a rejected command on a host.
 */
export function signCommand(fields: CommandFields, privateKeyPem: string): CommandMessage {
  const problem = describeMalformedFields(fields);
  if (problem) throw new TypeError(`signCommand: ${problem}`);
  const keyId = keyFingerprint(publicKeyFromPrivate(privateKeyPem));
  if (fields.keyId !== keyId)
    throw new Error(`signCommand: keyId ${fields.keyId} is not this key (${keyId})`);
  const { id, agentId, type, params, issuedAt, expiresAt, attempt } = fields;
  const signature = signBytes(privateKeyPem, commandSigningPayload(fields));
  const ts = new Date().toISOString();
  return { v: 1, id, ts, agentId, type, params, issuedAt, expiresAt, attempt, keyId, signature };
}

/**
 * The reference verifier the agent runs before anything else. Checks in this order: shape,
 * target agent, signing key, signature, replay, then time. Replay comes before expiry so a
 * re-delivered command the agent already took is recognised as such even after it expired.
 * `keys` maps key id → raw base64 public key of every server key the agent trusts.
 */
export function verifyCommand(
  message: CommandMessage,
  opts: { agentId: string; keys: Record<string, string>; nowMs?: number; seen?: (id: string) => boolean },
): CommandCheck {
  const fail = (reason: CommandVerifyFailure, detail: string): CommandCheck => ({
    ok: false,
    reason,
    detail,
  });
  try {
    const problem = describeMalformedCommand(message);
    if (problem) return fail('malformed', problem);
    if (message.agentId !== opts.agentId) return fail('wrong_agent', `addressed to ${message.agentId}`);
    const publicKey = Object.hasOwn(opts.keys, message.keyId) ? opts.keys[message.keyId] : undefined;
    if (publicKey === undefined) return fail('unknown_key', `no trusted server key ${message.keyId}`);
    if (!safeFingerprintMatches(publicKey, message.keyId)) {
      return fail('unknown_key', `trusted key listed as ${message.keyId} has another fingerprint`);
    }
    if (!verifyBytes(publicKey, commandSigningPayload(message), message.signature)) {
      return fail('bad_signature', `signature does not verify with key ${message.keyId}`);
    }
    if (opts.seen?.(message.id)) return fail('replayed', `command ${message.id} was received before`);
    const nowMs = opts.nowMs ?? Date.now();
    const issuedAt = parseDateTime(message.issuedAt) as number;
    const expiresAt = parseDateTime(message.expiresAt) as number;
    if (issuedAt > nowMs + COMMAND_CLOCK_SKEW_SEC * 1000) {
      return fail('not_yet_valid', `issued ${Math.round((issuedAt - nowMs) / 1000)} s in the future`);
    }
    if (nowMs > expiresAt) return fail('expired', `expired ${Math.round((nowMs - expiresAt) / 1000)} s ago`);
    return { ok: true };
  } catch (err) {
    // canonicalJson refuses what it cannot encode unambiguously (too deep, odd values).
    return fail('malformed', err instanceof Error ? err.message : String(err));
  }
}

function safeFingerprintMatches(publicKey: string, keyId: string): boolean {
  try {
    return keyFingerprint(publicKey) === keyId;
  } catch {
    return false;
  }
}
