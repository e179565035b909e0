import assert from 'node:assert/strict';
import { randomUUID, verify, createPublicKey } from 'node:crypto';
import {
  COMMAND_CLOCK_SKEW_SEC,
  SIGNED_COMMAND_FIELDS,
  canonicalJson,
  generateKeyPair,
  keyFingerprint,
  signCommand,
  verifyCommand,
} from '../../../broker/protocol/index.js';
import type { CommandFields, CommandMessage } from '../../../broker/protocol/index.js';
import { isValid } from './validators.js';

const server = generateKeyPair();
const rotated = generateKeyPair();
const keyId = keyFingerprint(server.publicKey);
const rotatedKeyId = keyFingerprint(rotated.publicKey);
const AGENT = 'c1e1fac8-e8b3-4e42-a2b7-11052ea6861b';
const ISSUED = Date.parse('2026-11-23T18:00:00.000Z');
const HOUR = 3_600_000;

function fields(overrides: Partial<CommandFields> = {}): CommandFields {
  return {
    id: randomUUID(),
    agentId: AGENT,
    type: 'install',
    params: { plugin: 'apt', packages: [{ name: 'openssl', version: '3.0.15-1~deb12u1' }] },
    issuedAt: new Date(ISSUED).toISOString(),
    expiresAt: new Date(ISSUED + HOUR).toISOString(),
    attempt: 1,
    keyId,
    ...overrides,
  };
}

const keys = { [keyId]: server.publicKey, [rotatedKeyId]: rotated.publicKey };
const check = (
  message: CommandMessage,
  opts: { nowMs?: number; agentId?: string; seen?: (id: string) => boolean } = {},
) => verifyCommand(message, { agentId: AGENT, keys, nowMs: ISSUED + 1000, ...opts });
const reasonOf = (result: ReturnType<typeof verifyCommand>) => (result.ok ? 'ok' : result.reason);

describe('broker/protocol command signing', () => {
  it('signs a command the agent accepts and the schema validates', () => {
    const message = signCommand(fields(), server.privateKey);
    assert.deepEqual(check(message), { ok: true });
    assert.equal(isValid('command', message), true);
    assert.deepEqual(Object.keys(message).sort(), [...SIGNED_COMMAND_FIELDS, 'signature', 'ts', 'v'].sort());
  });

  it('signs exactly the canonical JSON of the signed fields', () => {
    const message = signCommand(fields(), server.privateKey);
    const signed = Object.fromEntries(SIGNED_COMMAND_FIELDS.map((key) => [key, message[key]]));
    const key = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(server.publicKey, 'base64').toString('base64url') },
      format: 'jwk',
    });
    assert.equal(
      verify(null, Buffer.from(canonicalJson(signed)), key, Buffer.from(message.signature, 'base64')),
      true,
    );
  });

  it('leaves out fields a caller passes beyond the signed ones', () => {
    const message = signCommand({ ...fields(), status: 'pending' } as CommandFields, server.privateKey);
    assert.equal('status' in message, false);
    assert.deepEqual(check(message), { ok: true });
  });

  describe('tampering with any signed field breaks the signature', () => {
    const tampered: { [K in (typeof SIGNED_COMMAND_FIELDS)[number]]: (m: CommandMessage) => CommandMessage } =
      {
        id: (m) => ({ ...m, id: randomUUID() }),
        agentId: (m) => ({ ...m, agentId: '0b5d6c2e-9a41-4f6e-8d0c-3b2a1f9e8d7c' }),
        type: (m) => ({ ...m, type: 'reboot' }),
        params: (m) => ({
          ...m,
          params: { plugin: 'apt', packages: [{ name: 'openssl', version: '0.9.8' }] },
        }),
        issuedAt: (m) => ({ ...m, issuedAt: new Date(ISSUED - 1000).toISOString() }),
        expiresAt: (m) => ({ ...m, expiresAt: new Date(ISSUED + 30 * 24 * HOUR).toISOString() }),
        attempt: (m) => ({ ...m, attempt: 2 }),
        keyId: (m) => ({ ...m, keyId: rotatedKeyId }),
      };
    for (const field of SIGNED_COMMAND_FIELDS) {
      it(field, () => {
        const forged = tampered[field](signCommand(fields(), server.privateKey));
        assert.equal(reasonOf(check(forged, { agentId: forged.agentId })), 'bad_signature');
      });
    }
  });

  it('survives transport changes: a fresh ts and reordered keys', () => {
    const message = signCommand(fields(), server.privateKey);
    const resent = {
      ...message,
      ts: '2026-11-23T18:30:00.000Z',
      params: { packages: message.params.packages, plugin: 'apt' },
    };
    const reordered = Object.fromEntries(Object.entries(resent).reverse()) as unknown as CommandMessage;
    assert.deepEqual(check(reordered), { ok: true });
  });

  it('refuses a command for another agent', () => {
    const message = signCommand(
      fields({ agentId: '0b5d6c2e-9a41-4f6e-8d0c-3b2a1f9e8d7c' }),
      server.privateKey,
    );
    assert.equal(reasonOf(check(message)), 'wrong_agent');
  });

  it('refuses a key id it does not trust, or a trusted key listed under a wrong id', () => {
    const message = signCommand(fields(), server.privateKey);
    assert.equal(
      reasonOf(verifyCommand(message, { agentId: AGENT, keys: { [rotatedKeyId]: rotated.publicKey } })),
      'unknown_key',
    );
    assert.equal(
      reasonOf(verifyCommand(message, { agentId: AGENT, keys: { [keyId]: rotated.publicKey } })),
      'unknown_key',
    );
    assert.equal(reasonOf(verifyCommand(message, { agentId: AGENT, keys: {} })), 'unknown_key');
  });

  it('accepts a command signed by a rotated key it trusts', () => {
    const message = signCommand(fields({ keyId: rotatedKeyId }), rotated.privateKey);
    assert.deepEqual(check(message), { ok: true });
  });

  it('refuses an expired command', () => {
    const message = signCommand(fields(), server.privateKey);
    assert.deepEqual(check(message, { nowMs: ISSUED + HOUR }), { ok: true });
    assert.equal(reasonOf(check(message, { nowMs: ISSUED + HOUR + 1 })), 'expired');
  });

  it(`refuses a command issued more than ${COMMAND_CLOCK_SKEW_SEC} s in the future`, () => {
    const message = signCommand(fields(), server.privateKey);
    assert.deepEqual(check(message, { nowMs: ISSUED - COMMAND_CLOCK_SKEW_SEC * 1000 }), { ok: true });
    assert.equal(
      reasonOf(check(message, { nowMs: ISSUED - COMMAND_CLOCK_SKEW_SEC * 1000 - 1 })),
      'not_yet_valid',
    );
  });

  it('refuses a command it has seen, even after it expired, but only once the signature holds', () => {
    const message = signCommand(fields(), server.privateKey);
    const journal = new Set([message.id]);
    const seen = (id: string) => journal.has(id);
    assert.equal(reasonOf(check(message, { seen })), 'replayed');
    assert.equal(reasonOf(check(message, { seen, nowMs: ISSUED + 2 * HOUR })), 'replayed');
    assert.equal(reasonOf(check({ ...message, attempt: 2 }, { seen })), 'bad_signature');
  });

  describe('reports malformed commands without throwing', () => {
    const good = signCommand(fields(), server.privateKey);
    const { signature: _signature, ...unsigned } = good;
    const cases: Record<string, unknown> = {
      null: null,
      'a string': 'command',
      'an array': [good],
      'no signature': unsigned,
      'an unknown field': { ...good, priority: 'high' },
      'version 2': { ...good, v: 2 },
      'an uppercase id': { ...good, id: good.id.toUpperCase() },
      'an unknown type': { ...good, type: 'shell' },
      'params that are an array': { ...good, params: [] },
      'attempt 0': { ...good, attempt: 0 },
      'attempt 1.5': { ...good, attempt: 1.5 },
      'a date without a zone': { ...good, expiresAt: '2026-11-23T19:00:00' },
      'expiry before issue': { ...good, expiresAt: new Date(ISSUED - 1).toISOString() },
      'a signature that is not base64': { ...good, signature: '!'.repeat(88) },
      'a key id that is not a fingerprint': { ...good, keyId: 'server-key-1' },
      'params nested too deep': { ...good, params: { a: JSON.parse('['.repeat(100) + ']'.repeat(100)) } },
    };
    for (const [what, message] of Object.entries(cases)) {
      it(what, () => assert.equal(reasonOf(check(message as CommandMessage)), 'malformed'));
    }
  });

  it('refuses to sign with a key that does not match keyId, or fields the agent would refuse', () => {
    assert.throws(() => signCommand(fields({ keyId: rotatedKeyId }), server.privateKey), /keyId/);
    assert.throws(() => signCommand(fields({ attempt: 0 }), server.privateKey), /attempt/);
    assert.throws(() => signCommand(fields({ agentId: 'agent-1' }), server.privateKey), /agentId/);
  });
});
