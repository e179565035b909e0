import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  createRegistrationToken,
  generateKeyPair,
  hashRegistrationToken,
  keyFingerprint,
  parseRegistrationToken,
} from '../../../broker/protocol/index.js';

const server = generateKeyPair();

describe('broker/protocol registration token', () => {
  it('makes rf1_<fingerprint>_<secret> that parses back to its parts', () => {
    const { token, secret, fingerprint } = createRegistrationToken(server.publicKey);
    assert.equal(token, `rf1_${fingerprint}_${secret}`);
    assert.equal(token.length, 70);
    assert.equal(Buffer.from(secret, 'base64url').length, 32);
    assert.deepEqual(parseRegistrationToken(token), { fingerprint, secret });
  });

  it('carries the fingerprint of the server key, so the agent can check the server', () => {
    const { token } = createRegistrationToken(server.publicKey);
    const parsed = parseRegistrationToken(token);
    assert.ok('fingerprint' in parsed);
    assert.equal(parsed.fingerprint, keyFingerprint(server.publicKey));
    assert.notEqual(parsed.fingerprint, keyFingerprint(generateKeyPair().publicKey));
  });

  it('reads the parts by position, since base64url itself contains _', () => {
    const fingerprint = `${'_'.repeat(21)}A`;
    const secret = `${'_'.repeat(21)}-${'_'.repeat(20)}A`;
    assert.deepEqual(parseRegistrationToken(`rf1_${fingerprint}_${secret}`), { fingerprint, secret });
  });

  it('makes a new secret every time', () => {
    assert.notEqual(
      createRegistrationToken(server.publicKey).secret,
      createRegistrationToken(server.publicKey).secret,
    );
  });

  it('hashes the whole token with SHA-256 for storage', () => {
    const { token } = createRegistrationToken(server.publicKey);
    const hash = hashRegistrationToken(token);
    assert.equal(hash, createHash('sha256').update(token).digest('hex'));
    assert.notEqual(hash, hashRegistrationToken(createRegistrationToken(server.publicKey).token));
  });

  it('refuses to make a token for something that is not a public key', () => {
    assert.throws(() => createRegistrationToken('not a key'), TypeError);
  });

  describe('refuses malformed tokens', () => {
    const { token, fingerprint, secret } = createRegistrationToken(server.publicKey);
    const cases: Record<string, string> = {
      empty: '',
      'another version': token.replace(/^rf1_/, 'rf2_'),
      'no prefix': token.slice(4),
      'a missing secret': `rf1_${fingerprint}_`,
      'a short fingerprint': `rf1_${fingerprint.slice(1)}_${secret}`,
      'a long secret': `${token}A`,
      'a dot instead of _': `rf1_${fingerprint}.${secret}`,
      'standard base64 characters': `rf1_${fingerprint}_${'+'.repeat(42)}A`,
      'surrounding whitespace': ` ${token}\n`,
      // 16 bytes in 22 characters leave 4 unused bits in the last one: B sets one.
      'a second spelling of the fingerprint': `rf1_${fingerprint.slice(0, 21)}B_${secret}`,
    };
    for (const [what, value] of Object.entries(cases)) {
      it(what, () => assert.ok('error' in parseRegistrationToken(value), `parsed ${value}`));
    }
  });
});
