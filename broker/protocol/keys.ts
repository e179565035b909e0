import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
} from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { decodeBase64 } from './base64.js';

/**
 * Ed25519 keys for agents (connect passwords) and the server (command signatures), with
 * node:crypto only. Public keys travel and are stored as the raw 32 bytes in base64; private
 * keys stay on their host as PKCS#8 PEM.
 */

export const PUBLIC_KEY_BYTES = 32;
export const SIGNATURE_BYTES = 64;

export interface KeyPair {
  /** Raw 32-byte Ed25519 public key, base64. */
  publicKey: string;
  /** PKCS#8 PEM. */
  privateKey: string;
}

export function generateKeyPair(): KeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    publicKey: rawPublicKey(publicKey),
    privateKey: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  };
}

export function publicKeyFromPrivate(privateKeyPem: string): string {
  return rawPublicKey(createPublicKey(privateKeyObject(privateKeyPem)));
}

/** Signs `data` (a string is signed as its UTF-8 bytes); returns the 64-byte signature in base64. */
export function signBytes(privateKeyPem: string, data: string | Buffer): string {
  return sign(null, toBytes(data), privateKeyObject(privateKeyPem)).toString('base64');
}

/**
 * True only for a valid signature by that key. Never throws: keys and signatures come from the
 * network and the database, and every kind of garbage is simply "not verified".
 */
export function verifyBytes(publicKeyB64: string, data: string | Buffer, signatureB64: string): boolean {
  try {
    const signature = decodeBase64(signatureB64, SIGNATURE_BYTES);
    const key = publicKeyObject(publicKeyB64);
    if (!signature || !key || (typeof data !== 'string' && !Buffer.isBuffer(data))) return false;
    return verify(null, toBytes(data), key, signature);
  } catch {
    return false;
  }
}

/**
 * Key id: the first 16 bytes of SHA-256 of the raw public key, base64url (22 characters).
 * Names the server key that signed a command, and is embedded in registration tokens so an
 * agent can tell it enrolled with the right server. Throws on anything that is not a key.
 */
export function keyFingerprint(publicKeyB64: string): string {
  const raw = decodeBase64(publicKeyB64, PUBLIC_KEY_BYTES);
  if (!raw) throw new TypeError('keyFingerprint: not a base64 raw 32-byte Ed25519 public key');
  return createHash('sha256').update(raw).digest().subarray(0, 16).toString('base64url');
}

/**
 * Parsing a key costs more than using it (a PEM parse is ~1 ms, a signature ~50 µs), and the
 * same few keys sign and verify over and over: parsed keys are kept, up to a bound.
 */
const KEY_CACHE_LIMIT = 10_000;
const publicKeyCache = new Map<string, KeyObject>();
const privateKeyCache = new Map<string, KeyObject>();

function remember(cache: Map<string, KeyObject>, text: string, key: KeyObject): KeyObject {
  if (cache.size >= KEY_CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(text, key);
  return key;
}

/** The key object for a raw base64 public key, or null when it is not one. */
function publicKeyObject(publicKeyB64: unknown): KeyObject | null {
  if (typeof publicKeyB64 === 'string') {
    const cached = publicKeyCache.get(publicKeyB64);
    if (cached) return cached;
  }
  const raw = decodeBase64(publicKeyB64, PUBLIC_KEY_BYTES);
  if (!raw) return null;
  try {
    const key = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') },
      format: 'jwk',
    });
    return remember(publicKeyCache, publicKeyB64 as string, key);
  } catch {
    return null;
  }
}

function privateKeyObject(privateKeyPem: string): KeyObject {
  const cached = privateKeyCache.get(privateKeyPem);
  if (cached) return cached;
  const key = createPrivateKey(privateKeyPem);
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new TypeError(`expected an Ed25519 private key, got ${key.asymmetricKeyType ?? 'a symmetric key'}`);
  }
  return remember(privateKeyCache, privateKeyPem, key);
}

function rawPublicKey(key: KeyObject): string {
  const { x } = key.export({ format: 'jwk' });
  if (typeof x !== 'string') throw new TypeError('not an Ed25519 public key');
  return Buffer.from(x, 'base64url').toString('base64');
}

function toBytes(data: string | Buffer): Buffer {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}
