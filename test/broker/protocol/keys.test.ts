import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import {
  generateKeyPair,
  keyFingerprint,
  publicKeyFromPrivate,
  signBytes,
  verifyBytes,
} from '../../../broker/protocol/index.js';

describe('broker/protocol keys', () => {
  const { publicKey, privateKey } = generateKeyPair();
  const other = generateKeyPair();

  it('makes a raw 32-byte base64 public key and a PKCS#8 PEM private key', () => {
    assert.equal(Buffer.from(publicKey, 'base64').length, 32);
    assert.equal(Buffer.from(publicKey, 'base64').toString('base64'), publicKey);
    assert.match(privateKey, /^-----BEGIN PRIVATE KEY-----\n/);
    assert.notEqual(publicKey, other.publicKey);
  });

  it('recovers the public key from the private key', () => {
    assert.equal(publicKeyFromPrivate(privateKey), publicKey);
  });

  it('verifies its own signatures over strings and bytes alike', () => {
    const signature = signBytes(privateKey, 'hello');
    assert.equal(Buffer.from(signature, 'base64').length, 64);
    assert.equal(verifyBytes(publicKey, 'hello', signature), true);
    assert.equal(verifyBytes(publicKey, Buffer.from('hello'), signature), true);
  });

  it('refuses a signature over other data or by another key', () => {
    const signature = signBytes(privateKey, 'hello');
    assert.equal(verifyBytes(publicKey, 'hellO', signature), false);
    assert.equal(verifyBytes(other.publicKey, 'hello', signature), false);
    assert.equal(verifyBytes(publicKey, 'hello', signBytes(other.privateKey, 'hello')), false);
  });

  it('returns false, never throws, for garbage keys and signatures', () => {
    const signature = signBytes(privateKey, 'data');
    const raw = Buffer.from(publicKey, 'base64');
    const flipped = Buffer.from(signature, 'base64');
    flipped[10] = flipped[10]! ^ 1;
    // The last character of a 32-byte base64 key carries 2 unused bits: setting one gives a
    // second spelling of the same key, which Buffer.from would accept.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const sloppyKey = `${publicKey.slice(0, -2)}${alphabet[alphabet.indexOf(publicKey.at(-2)!) | 1]}=`;
    assert.deepEqual(Buffer.from(sloppyKey, 'base64'), raw);
    const garbage: [string, unknown, unknown][] = [
      ['empty key', '', signature],
      ['key that is not base64', '!!!not-base64!!!', signature],
      ['31-byte key', raw.subarray(1).toString('base64'), signature],
      ['33-byte key', Buffer.concat([raw, Buffer.of(0)]).toString('base64'), signature],
      ['key with unused bits set', sloppyKey, signature],
      ['PEM instead of raw key', privateKey, signature],
      ['empty signature', publicKey, ''],
      ['signature that is not base64', publicKey, '%%%'],
      ['63-byte signature', publicKey, Buffer.from(signature, 'base64').subarray(1).toString('base64')],
      ['flipped signature bit', publicKey, flipped.toString('base64')],
      ['base64url signature', publicKey, Buffer.from(signature, 'base64').toString('base64url')],
      ['null key', null, signature],
      ['number signature', publicKey, 42],
    ];
    for (const [what, key, sig] of garbage) {
      assert.equal(verifyBytes(key as string, 'data', sig as string), false, what);
    }
    assert.equal(verifyBytes(publicKey, null as unknown as string, signature), false, 'null data');
  });

  it('fingerprints a key as the first 16 bytes of its SHA-256, base64url', () => {
    const fingerprint = keyFingerprint(publicKey);
    assert.match(fingerprint, /^[A-Za-z0-9_-]{22}$/);
    const expected = createHash('sha256').update(Buffer.from(publicKey, 'base64')).digest();
    assert.deepEqual(Buffer.from(fingerprint, 'base64url'), expected.subarray(0, 16));
    assert.notEqual(keyFingerprint(other.publicKey), fingerprint);
  });

  it('refuses to fingerprint something that is not a public key', () => {
    assert.throws(() => keyFingerprint('abc'), TypeError);
    assert.throws(() => keyFingerprint(privateKey), TypeError);
  });

  it('refuses to sign with a key that is not Ed25519', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = ec.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    assert.throws(() => signBytes(pem, 'data'), /Ed25519/);
  });
});
