import { createHash, randomBytes } from 'node:crypto';
import { decodeBase64Url } from './base64.js';
import { keyFingerprint } from './keys.js';

/**
 * Registration tokens: `rf1_<serverKeyFingerprint>_<secret>`. The fingerprint (22 characters)
 * lets the agent check that the server which answered its registration holds the key the admin
 * meant, even over plain HTTP; the secret is 32 random bytes (43 characters). Both parts are
 * base64url, whose alphabet contains `_`, so the token is read by position, never split on `_`.
 * The server stores only `hashRegistrationToken(token)`.
 */

export const REGISTRATION_TOKEN_PREFIX = 'rf1_';
export const REGISTRATION_SECRET_BYTES = 32;
const TOKEN_RE = /^rf1_([A-Za-z0-9_-]{22})_([A-Za-z0-9_-]{43})$/;

export interface RegistrationToken {
  token: string;
  secret: string;
  fingerprint: string;
}

export function createRegistrationToken(serverPublicKeyB64: string): RegistrationToken {
  const fingerprint = keyFingerprint(serverPublicKeyB64);
  const secret = randomBytes(REGISTRATION_SECRET_BYTES).toString('base64url');
  return { token: `${REGISTRATION_TOKEN_PREFIX}${fingerprint}_${secret}`, secret, fingerprint };
}

export function parseRegistrationToken(
  token: string,
): { fingerprint: string; secret: string } | { error: string } {
  if (typeof token !== 'string') return { error: 'token is not a string' };
  const match = TOKEN_RE.exec(token);
  if (!match) return { error: 'not a RedFlag registration token (rf1_<fingerprint>_<secret>)' };
  const [, fingerprint, secret] = match as unknown as [string, string, string];
  if (!decodeBase64Url(fingerprint, 16)) return { error: 'fingerprint is not 16 bytes of base64url' };
  if (!decodeBase64Url(secret, REGISTRATION_SECRET_BYTES))
    return { error: 'secret is not 32 bytes of base64url' };
  return { fingerprint, secret };
}

/** What the server stores and looks tokens up by: SHA-256 (hex) of the whole token string. */
export function hashRegistrationToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
