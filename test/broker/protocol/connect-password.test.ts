import assert from 'node:assert/strict';
import {
  createConnectPassword,
  generateKeyPair,
  parseConnectPassword,
  verifyConnectPassword,
} from '../../../broker/protocol/index.js';

const AGENT = 'c1e1fac8-e8b3-4e42-a2b7-11052ea6861b';
const OTHER = '0b5d6c2e-9a41-4f6e-8d0c-3b2a1f9e8d7c';
const NOW = Date.parse('2026-11-23T18:00:00.000Z');
const agent = generateKeyPair();
const stranger = generateKeyPair();

function check(
  password: string | Buffer,
  opts: { nowMs?: number; agentId?: string; publicKey?: string } = {},
) {
  return verifyConnectPassword({ agentId: AGENT, password, publicKey: agent.publicKey, nowMs: NOW, ...opts });
}
const reasonOf = (result: ReturnType<typeof check>) => (result.ok ? 'ok' : result.reason);

describe('broker/protocol connect password', () => {
  it('makes v1.<ts>.<nonce>.<sig> that verifies and yields ts and nonce for replay tracking', () => {
    const password = createConnectPassword(AGENT, agent.privateKey, NOW + 999);
    assert.match(password, /^v1\.1795456800\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{86}$/);
    const result = check(password);
    assert.deepEqual(result, { ok: true, ts: 1795456800, nonce: password.split('.')[2] });
  });

  it('accepts the password as the Buffer aedes hands over', () => {
    assert.equal(reasonOf(check(Buffer.from(createConnectPassword(AGENT, agent.privateKey, NOW)))), 'ok');
  });

  it('uses a fresh nonce every time', () => {
    const nonces = new Set(
      Array.from({ length: 20 }, () => createConnectPassword(AGENT, agent.privateKey, NOW).split('.')[2]),
    );
    assert.equal(nonces.size, 20);
  });

  it('allows ±300 s of clock skew and refuses more, naming the direction', () => {
    const password = createConnectPassword(AGENT, agent.privateKey, NOW);
    assert.equal(reasonOf(check(password, { nowMs: NOW + 300_000 })), 'ok');
    assert.equal(reasonOf(check(password, { nowMs: NOW - 300_000 })), 'ok');
    const behind = check(password, { nowMs: NOW + 301_000 });
    assert.equal(reasonOf(behind), 'clock_skew');
    assert.match(behind.ok ? '' : behind.detail, /301 s behind/);
    const ahead = check(password, { nowMs: NOW - 301_000 });
    assert.match(ahead.ok ? '' : ahead.detail, /301 s ahead/);
  });

  it('honours a configured skew', () => {
    const password = createConnectPassword(AGENT, agent.privateKey, NOW);
    const result = verifyConnectPassword({
      agentId: AGENT,
      password,
      publicKey: agent.publicKey,
      nowMs: NOW + 61_000,
      maxSkewSec: 60,
    });
    assert.equal(reasonOf(result), 'clock_skew');
  });

  it('refuses a password signed by another key', () => {
    assert.equal(reasonOf(check(createConnectPassword(AGENT, stranger.privateKey, NOW))), 'bad_signature');
  });

  it('refuses a password made for another agent id', () => {
    const password = createConnectPassword(OTHER, agent.privateKey, NOW);
    assert.equal(reasonOf(check(password)), 'bad_signature');
    assert.equal(reasonOf(check(password, { agentId: OTHER })), 'ok');
  });

  it('refuses a password whose time or nonce was changed', () => {
    const [v, ts, nonce, sig] = createConnectPassword(AGENT, agent.privateKey, NOW).split('.');
    assert.equal(reasonOf(check(`${v}.${Number(ts) + 1}.${nonce}.${sig}`)), 'bad_signature');
    const otherNonce = createConnectPassword(AGENT, agent.privateKey, NOW).split('.')[2];
    assert.equal(reasonOf(check(`${v}.${ts}.${otherNonce}.${sig}`)), 'bad_signature');
  });

  it('refuses a skewed password from someone without the key as a bad signature, not as skew', () => {
    assert.equal(
      reasonOf(check(createConnectPassword(AGENT, stranger.privateKey, NOW - 3_600_000))),
      'bad_signature',
    );
  });

  describe('refuses malformed passwords', () => {
    const [, ts, nonce, sig] = createConnectPassword(AGENT, agent.privateKey, NOW).split('.') as [
      string,
      string,
      string,
      string,
    ];
    const cases: Record<string, string> = {
      empty: '',
      'three parts': `v1.${ts}.${nonce}`,
      'five parts': `v1.${ts}.${nonce}.${sig}.x`,
      'version v2': `v2.${ts}.${nonce}.${sig}`,
      'a fractional ts': `v1.${ts}.5.${nonce}.${sig}`,
      'a ts that is not a number': `v1.soon.${nonce}.${sig}`,
      'a negative ts': `v1.-${ts}.${nonce}.${sig}`,
      'a ts with a leading zero': `v1.0${ts}.${nonce}.${sig}`,
      'a ts in exponent notation': `v1.17e8.${nonce}.${sig}`,
      'a nonce that is not base64url': `v1.${ts}.${'+'.repeat(22)}.${sig}`,
      'a short nonce': `v1.${ts}.${nonce.slice(1)}.${sig}`,
      'a padded signature': `v1.${ts}.${nonce}.${sig}==`,
      'a signature in standard base64': `v1.${ts}.${nonce}.${Buffer.from(sig, 'base64url').toString('base64')}`,
      'a short signature': `v1.${ts}.${nonce}.${sig.slice(2)}`,
      'an overlong password': `v1.${ts}.${nonce}.${sig}${'A'.repeat(200)}`,
      'a bearer token': 'correct horse battery staple',
    };
    for (const [what, password] of Object.entries(cases)) {
      it(what, () => {
        assert.ok('error' in parseConnectPassword(password), `parsed ${password}`);
        assert.equal(reasonOf(check(password)), 'malformed');
      });
    }
    it('a username that is not an agent id', () => {
      const password = createConnectPassword(AGENT, agent.privateKey, NOW);
      assert.equal(reasonOf(check(password, { agentId: 'admin' })), 'malformed');
      assert.throws(() => createConnectPassword('admin', agent.privateKey, NOW), /agent id/);
    });
  });
});
