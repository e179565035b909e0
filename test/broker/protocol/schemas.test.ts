import assert from 'node:assert/strict';
import {
  MAX_INVENTORY_CONTAINERS,
  MAX_PAYLOAD_BYTES,
  MAX_PROGRESS_LINE,
  MAX_SCAN_PACKAGES,
  messageSchemas,
} from '../../../broker/protocol/index.js';
import type { MessageType, ScanPackage } from '../../../broker/protocol/index.js';
import { aptPackage, maximal, minimal, more } from './examples.js';
import { objectNodes } from './schema-walk.js';
import { createAjv, isValid, schemaErrors } from './validators.js';

const TYPES = Object.keys(messageSchemas) as MessageType[];
const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

// The objects whose contents belong to a plugin or a command handler (see schemas/common.ts).
const OPEN_OBJECTS = new Set([
  'scan packages[].metadata',
  'result data',
  'event metadata',
  'command params',
  'config pluginSettings.*',
]);

describe('broker/protocol schemas', () => {
  it('has a schema and a size limit for every up type, down type and presence', () => {
    assert.deepEqual([...TYPES].sort(), [
      'ack',
      'command',
      'config',
      'event',
      'hello',
      'metrics',
      'presence',
      'progress',
      'receipt',
      'result',
      'scan',
    ]);
    assert.deepEqual(Object.keys(MAX_PAYLOAD_BYTES).sort(), [...TYPES].sort());
  });

  it('compiles every schema with ajv in strict mode, and again on the same instance', () => {
    const ajv = createAjv();
    for (const type of TYPES) {
      ajv.compile(messageSchemas[type]);
      ajv.compile(messageSchemas[type]);
    }
  });

  it('closes every object except the open maps, which are bounded', () => {
    const unexpected: string[] = [];
    const open: string[] = [];
    for (const type of TYPES) {
      for (const { path, node } of objectNodes(messageSchemas[type])) {
        const where = `${type} ${path}`.trim();
        const typedMap = node.propertyNames !== undefined && typeof node.additionalProperties === 'object';
        if (OPEN_OBJECTS.has(where)) {
          open.push(where);
          assert.equal(node.additionalProperties, true, where);
          assert.equal(typeof node.maxProperties, 'number', `${where} has no size bound`);
        } else if (node.additionalProperties !== false && !typedMap) {
          unexpected.push(where);
        }
      }
    }
    assert.deepEqual(unexpected, []);
    assert.deepEqual(open.sort(), [...OPEN_OBJECTS].sort());
  });

  describe('rejects what a sender must not send', () => {
    for (const type of TYPES) {
      it(`${type}: unknown top-level field`, () => {
        assert.equal(isValid(type, { ...minimal[type], extra: true }), false);
      });
      it(`${type}: another protocol version`, () => {
        assert.equal(isValid(type, { ...minimal[type], v: 2 }), false);
        assert.equal(isValid(type, { ...minimal[type], v: '1' }), false);
      });
    }

    it('unknown nested fields', () => {
      const hello = maximal.hello;
      assert.equal(isValid('hello', { ...hello, os: { ...hello.os, codename: 'bookworm' } }), false);
      const pkg = { ...aptPackage, cve: 'CVE-2024-1' };
      assert.equal(isValid('scan', { ...minimal.scan, packages: [pkg] }), false);
      const schedules = { apt: { enabled: true, intervalSeconds: 3600, jitter: 5 } };
      assert.equal(isValid('config', { ...minimal.config, schedules }), false);
    });

    it('missing envelope fields, except on presence', () => {
      for (const type of TYPES.filter((t) => t !== 'presence')) {
        for (const field of ['v', 'id', 'ts']) {
          const { [field]: _omitted, ...rest } = minimal[type] as Record<string, unknown>;
          assert.equal(isValid(type, rest), false, `${type} without ${field}`);
        }
      }
    });

    it('ids that are not lowercase UUIDs and times without a zone', () => {
      const base = minimal.event;
      assert.equal(isValid('event', { ...base, id: 'not-a-uuid' }), false);
      assert.equal(isValid('event', { ...base, id: 'C1E1FAC8-E8B3-4E42-A2B7-11052EA6861B' }), false);
      assert.equal(isValid('event', { ...base, id: 'urn:uuid:c1e1fac8-e8b3-4e42-a2b7-11052ea6861b' }), false);
      assert.equal(isValid('event', { ...base, ts: '2026-11-23T18:00:00' }), false);
      assert.equal(isValid('event', { ...base, ts: '2026-11-23' }), false);
      assert.equal(isValid('event', { ...base, ts: 'yesterday' }), false);
    });

    it('values of the wrong type or outside their list', () => {
      assert.equal(isValid('progress', { ...minimal.progress, seq: '1' }), false);
      assert.equal(isValid('progress', { ...minimal.progress, seq: 1.5 }), false);
      assert.equal(isValid('progress', { ...minimal.progress, stream: 'stdin' }), false);
      assert.equal(isValid('progress', { ...minimal.progress, percent: 101 }), false);
      assert.equal(
        isValid('scan', { ...minimal.scan, packages: [{ ...aptPackage, severity: 'urgent' }] }),
        false,
      );
      assert.equal(
        isValid('scan', { ...minimal.scan, packages: [{ ...aptPackage, security: 'yes' }] }),
        false,
      );
      assert.equal(isValid('scan', { ...minimal.scan, plugin: 'Apt' }), false);
      assert.equal(isValid('command', { ...minimal.command, type: 'rm_rf' }), false);
      // hello's commandTypes: words (a newer agent's type is still a valid hello), each once.
      assert.equal(isValid('hello', { ...minimal.hello, commandTypes: ['scan', 'flush_cache'] }), true);
      assert.equal(isValid('hello', { ...minimal.hello, commandTypes: ['Scan'] }), false);
      assert.equal(isValid('hello', { ...minimal.hello, commandTypes: ['scan', 'scan'] }), false);
      assert.equal(isValid('hello', { ...minimal.hello, commandTypes: 'scan' }), false);
      assert.equal(isValid('command', { ...minimal.command, attempt: 0 }), false);
      assert.equal(isValid('command', { ...minimal.command, params: [] }), false);
      assert.equal(isValid('command', { ...minimal.command, signature: 'c2lnbmF0dXJl' }), false);
      assert.equal(isValid('metrics', { ...minimal.metrics, load: [0.1, 0.2] }), false);
      assert.equal(isValid('metrics', { ...minimal.metrics, load: [0.1, 0.2, 0.3, 0.4] }), false);
      assert.equal(isValid('result', { ...minimal.result, status: 'timed_out' }), false);
      assert.equal(isValid('event', { ...minimal.event, severity: 'debug' }), false);
    });
  });

  describe('message rules', () => {
    it('a complete scan cannot carry an error, so a failed scan never resolves packages', () => {
      const failed = { ...minimal.scan, packages: [], error: 'E: Could not get lock' };
      assert.equal(isValid('scan', { ...failed, complete: false }), true);
      assert.equal(isValid('scan', { ...failed, complete: true }), false);
    });

    it('a docker scan carries its container inventory; a bad or failed one is refused (issue 24 §5)', () => {
      const scan = more.scan![0]!;
      const item = scan.containers![0]!;
      assert.equal(isValid('scan', scan), true);
      assert.equal(isValid('scan', { ...scan, containers: [] }), true, 'a host without containers');
      for (const bad of [
        { ...item, checkStatus: 'outdated' },
        { ...item, id: 'not-an-id' },
        { ...item, localDigests: ['latest'] },
        { ...item, labels: {} },
        (({ state: _state, ...rest }) => rest)(item),
      ])
        assert.equal(isValid('scan', { ...scan, containers: [bad] }), false, JSON.stringify(bad));
      // A failed scan read nothing from the engine: it cannot replace the inventory.
      assert.equal(isValid('scan', { ...scan, complete: false, error: 'engine gone' }), false);
      assert.equal(
        isValid('scan', { ...scan, containers: Array(MAX_INVENTORY_CONTAINERS + 1).fill(item) }),
        false,
      );
    });

    it('validates a scan of 20,000 packages within its size limit, and refuses 20,001', () => {
      const packages: ScanPackage[] = Array.from({ length: MAX_SCAN_PACKAGES }, (_, i) => ({
        ...aptPackage,
        name: `package-${i}`,
        metadata: { section: 'libs', priority: 'optional' },
      }));
      const scan = { ...minimal.scan, packages };
      assert.equal(schemaErrors('scan', scan), null);
      assert.ok(bytes(scan) <= MAX_PAYLOAD_BYTES.scan, `${bytes(scan)} bytes`);
      const tooMany = { ...scan, packages: [...packages, aptPackage] };
      assert.match(schemaErrors('scan', tooMany) ?? '', /must NOT have more than 20000 items/);
    });

    it('an ack refusal names its reason, and an acceptance has none', () => {
      const ack = minimal.ack;
      assert.equal(isValid('ack', { ...ack, accepted: false }), false);
      assert.equal(isValid('ack', { ...ack, accepted: false, reason: 'bad_signature' }), true);
      assert.equal(isValid('ack', { ...ack, accepted: false, reason: 'because' }), false);
      assert.equal(isValid('ack', { ...ack, accepted: true, reason: 'expired' }), false);
    });

    it('receipts answer only the spooled types', () => {
      for (const type of ['scan', 'result', 'event']) {
        assert.equal(isValid('receipt', { ...minimal.receipt, type }), true, type);
      }
      for (const type of ['hello', 'progress', 'ack', 'metrics', 'command']) {
        assert.equal(isValid('receipt', { ...minimal.receipt, type }), false, type);
      }
    });

    it('bounds scan intervals to 1 minute … 24 hours', () => {
      const withInterval = (intervalSeconds: number) => ({
        ...minimal.config,
        schedules: { apt: { enabled: true, intervalSeconds } },
      });
      assert.equal(isValid('config', withInterval(60)), true);
      assert.equal(isValid('config', withInterval(86400)), true);
      assert.equal(isValid('config', withInterval(59)), false);
      assert.equal(isValid('config', withInterval(86401)), false);
      assert.equal(isValid('config', { ...withInterval(600), schedules: { 'No Such': {} } }), false);
    });

    it('accepts the presence last will, which has no id and no time', () => {
      assert.equal(schemaErrors('presence', JSON.parse('{"v":1,"online":false}')), null);
      assert.equal(isValid('presence', { online: false }), false);
      assert.equal(isValid('presence', { v: 1, online: false, id: maximal.event.id }), false);
    });

    it('caps a progress line at 8,192 characters, and any valid line fits the size limit', () => {
      const line = '\u001b'.repeat(MAX_PROGRESS_LINE); // escaped as \u001b: 6 bytes each
      const progress = { ...minimal.progress, seq: Number.MAX_SAFE_INTEGER, line, percent: 99.999 };
      assert.equal(schemaErrors('progress', progress), null);
      assert.ok(bytes(progress) <= MAX_PAYLOAD_BYTES.progress, `${bytes(progress)} bytes`);
      assert.equal(isValid('progress', { ...progress, line: `${line}x` }), false);
    });
  });
});
