import { randomBytes } from 'node:crypto';
import { decodeBase64Url } from './base64.js';
import { isAgentId } from './ids.js';
import { signBytes, verifyBytes } from './keys.js';

/**
 * The MQTT password of an agent (DESIGN.md §3.2): `v1.<unix-ts>.<nonce>.<sig>`, where sig is the
 * agent's Ed25519 signature (base64url) of `rf-connect\n<agentId>\n<ts>\n<nonce>` and the nonce
 * is 16 random bytes (base64url). The server stores only the agent's public key, so a database
 * leak gives nobody a way in. Nonce replay tracking is the broker's job: it needs shared state.
 */

export const CONNECT_PASSWORD_VERSION = 'v1';
export const CONNECT_NONCE_BYTES = 16;
export const DEFAULT_MAX_CLOCK_SKEW_SEC = 300;
// 'v1' + 3 dots + up to 12 timestamp digits + 22 nonce + 86 signature characters = 125.
export const CONNECT_PASSWORD_MAX_LENGTH = 128;

const TS_RE = /^(?:0|[1-9][0-9]{0,11})$/;

export interface ParsedConnectPassword {
  ts: number;
  nonce: string;
  signature: string;
}

export type ConnectPasswordCheck =
  | { ok: true; ts: number; nonce: string }
  | { ok: false; reason: 'malformed' | 'bad_signature' | 'clock_skew'; detail: string };

/** The bytes the signature covers; the newline-separated fields are all fixed-format. */
function signedText(agentId: string, ts: number, nonce: string): string {
  return `rf-connect\n${agentId}\n${ts}\n${nonce}`;
}

export function createConnectPassword(agentId: string, privateKeyPem: string, nowMs = Date.now()): string {
  if (!isAgentId(agentId)) throw new TypeError(`invalid agent id: ${JSON.stringify(agentId)}`);
  const ts = Math.floor(nowMs / 1000);
  const nonce = randomBytes(CONNECT_NONCE_BYTES).toString('base64url');
  const signature = Buffer.from(signBytes(privateKeyPem, signedText(agentId, ts, nonce)), 'base64');
  return `${CONNECT_PASSWORD_VERSION}.${ts}.${nonce}.${signature.toString('base64url')}`;
}

/** Strict parse: exactly one spelling of each part is accepted. aedes hands the password as a Buffer. */
export function parseConnectPassword(password: string | Buffer): ParsedConnectPassword | { error: string } {
  if (typeof password !== 'string' && !Buffer.isBuffer(password)) return { error: 'password is missing' };
  if (password.length > CONNECT_PASSWORD_MAX_LENGTH) {
    return { error: `password longer than ${CONNECT_PASSWORD_MAX_LENGTH} characters` };
  }
  const parts = password.toString().split('.');
  if (parts.length !== 4) return { error: `expected 4 dot-separated parts, got ${parts.length}` };
  const [version, tsText, nonce, signature] = parts as [string, string, string, string];
  if (version !== CONNECT_PASSWORD_VERSION) return { error: `unsupported password version ${version}` };
  if (!TS_RE.test(tsText)) return { error: 'timestamp is not a unix time in whole seconds' };
  if (!decodeBase64Url(nonce, CONNECT_NONCE_BYTES)) return { error: 'nonce is not 16 bytes of base64url' };
  if (!decodeBase64Url(signature, 64)) return { error: 'signature is not 64 bytes of base64url' };
  return { ts: Number(tsText), nonce, signature };
}

/**
 * Checks a connect password against the agent's public key. The signature is checked before the
 * clock, so `clock_skew` always means "the right agent, with a wrong clock" (worth telling the
 * user) and never leaks anything to someone without the key.
 */
export function verifyConnectPassword(opts: {
  agentId: string;
  password: string | Buffer;
  publicKey: string;
  nowMs?: number;
  maxSkewSec?: number;
}): ConnectPasswordCheck {
  const { agentId, password, publicKey, nowMs = Date.now(), maxSkewSec = DEFAULT_MAX_CLOCK_SKEW_SEC } = opts;
  if (!isAgentId(agentId)) return { ok: false, reason: 'malformed', detail: 'username is not an agent id' };
  const parsed = parseConnectPassword(password);
  if ('error' in parsed) return { ok: false, reason: 'malformed', detail: parsed.error };
  const { ts, nonce, signature } = parsed;
  const signatureB64 = Buffer.from(signature, 'base64url').toString('base64');
  if (!verifyBytes(publicKey, signedText(agentId, ts, nonce), signatureB64)) {
    return { ok: false, reason: 'bad_signature', detail: 'signature does not match the key on file' };
  }
  const skew = ts - Math.floor(nowMs / 1000);
  if (Math.abs(skew) > maxSkewSec) {
    const direction = skew > 0 ? 'ahead' : 'behind';
    return {
      ok: false,
      reason: 'clock_skew',
      detail: `agent clock is ${Math.abs(skew)} s ${direction} (allowed ±${maxSkewSec} s)`,
    };
  }
  return { ok: true, ts, nonce };
}
