import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  MAX_PAYLOAD_BYTES,
  commandSigningPayload,
  keyFingerprint,
  messageSchemas,
  parseRegistrationToken,
  verifyCommand,
  verifyConnectPassword,
} from '../../../broker/protocol/index.js';
import type { CommandMessage, MessageType } from '../../../broker/protocol/index.js';
import { uncoveredPaths } from './schema-walk.js';
import { schemaErrors } from './validators.js';

/** docs/protocol.md is the protocol's public description: its examples must be true. */
const markdown = readFileSync(new URL('../../../docs/protocol.md', import.meta.url), 'utf8');
const TYPES = Object.keys(messageSchemas) as MessageType[];

const examples = [...markdown.matchAll(/^```json message=(\S+)\n([\s\S]*?)^```$/gm)].map(
  ([, type, body]) => ({
    type: type as MessageType,
    text: body!,
  }),
);

function vector(name: string): string {
  const match = new RegExp(`^\`\`\`text vector=${name}\\n([\\s\\S]*?)\\n^\`\`\`$`, 'm').exec(markdown);
  assert.ok(match, `docs/protocol.md has no test vector ${name}`);
  return match[1]!.trim();
}

function examplesOf(type: MessageType): unknown[] {
  return examples.filter((e) => e.type === type).map((e) => JSON.parse(e.text) as unknown);
}

describe('docs/protocol.md', () => {
  it('has an example of every message type, and only of known types', () => {
    assert.deepEqual([...new Set(examples.map((e) => e.type))].sort(), [...TYPES].sort());
  });

  for (const { type, text } of examples) {
    const message = JSON.parse(text) as { id?: string };
    it(`${type} example ${message.id ?? JSON.stringify(message)} validates and fits its size limit`, () => {
      assert.equal(schemaErrors(type, message), null);
      const size = Buffer.byteLength(JSON.stringify(message));
      assert.ok(size <= MAX_PAYLOAD_BYTES[type], `${size} bytes > ${MAX_PAYLOAD_BYTES[type]}`);
    });
  }

  for (const type of TYPES) {
    it(`the ${type} examples show every field of its schema`, () => {
      assert.deepEqual(uncoveredPaths(messageSchemas[type], examplesOf(type)), []);
    });
  }

  it('shows the presence last will exactly as agents set it', () => {
    assert.ok(
      examples.some(
        (e) => e.type === 'presence' && JSON.stringify(JSON.parse(e.text)) === '{"v":1,"online":false}',
      ),
    );
  });

  it('lists the size limits MAX_PAYLOAD_BYTES enforces', () => {
    const rows = [...markdown.matchAll(/^\| `(\w+)` +\| [\d.]+ [KM]iB +\| (\d+) +\|/gm)];
    const table = Object.fromEntries(rows.map(([, type, size]) => [type, Number(size)]));
    assert.deepEqual(table, MAX_PAYLOAD_BYTES);
  });

  describe('test vectors', () => {
    const serverKey = vector('server-public-key');
    const command = examplesOf('command')[0] as CommandMessage;

    it('the command example is signed by the documented server key, over the documented text', () => {
      assert.equal(command.keyId, keyFingerprint(serverKey));
      assert.equal(commandSigningPayload(command), vector('command-signing-payload'));
      const check = verifyCommand(command, {
        agentId: command.agentId,
        keys: { [command.keyId]: serverKey },
        nowMs: Date.parse(command.issuedAt),
      });
      assert.deepEqual(check, { ok: true });
    });

    it('the connect password verifies for its agent at its time', () => {
      const check = verifyConnectPassword({
        agentId: 'c1e1fac8-e8b3-4e42-a2b7-11052ea6861b',
        password: vector('connect-password'),
        publicKey: vector('agent-public-key'),
        nowMs: Date.parse('2026-11-23T18:00:00Z'),
      });
      assert.equal(check.ok, true, JSON.stringify(check));
    });

    it('the registration token carries the server key fingerprint', () => {
      const parsed = parseRegistrationToken(vector('registration-token'));
      assert.ok('fingerprint' in parsed, JSON.stringify(parsed));
      assert.equal(parsed.fingerprint, keyFingerprint(serverKey));
    });
  });
});
