import assert from 'node:assert/strict';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { collectMetrics } from '../../agent/metrics.js';
import { MAX_PAYLOAD_BYTES, messageSchemas } from '../../broker/protocol/index.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

describe('agent metrics', () => {
  it('samples memory, load, uptime and the disks, as the protocol schema wants them', async () => {
    const validate = addFormats(new Ajv({ strict: true, allowUnionTypes: true })).compile(
      messageSchemas.metrics,
    );
    const sample = await collectMetrics(['/', '/nonexistent-mount']);
    assert.ok(validate(sample), JSON.stringify(validate.errors));
    assert.ok(Buffer.byteLength(JSON.stringify(sample)) <= MAX_PAYLOAD_BYTES.metrics);
    assert.ok(sample.memory.totalBytes > 0 && sample.memory.availableBytes <= sample.memory.totalBytes);
    const root = sample.disks?.find((d) => d.mount === '/');
    assert.ok(root && root.totalBytes >= root.freeBytes, JSON.stringify(sample.disks));
    assert.ok(
      !sample.disks?.some((d) => d.mount === '/nonexistent-mount'),
      'an unreadable mount is left out',
    );
  });
});
