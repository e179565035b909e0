import { randomUUID } from 'node:crypto';
import type { IngestBatch, IngestPackage } from '../../core/db/index.js';

/**
 * A complete apt batch as the scan ingest stores it, one package per name: a security update
 * unless `fields` say otherwise.
 */
export function ingestBatchOf(
  agentId: string,
  names: string[],
  fields: Partial<IngestPackage> = {},
): IngestBatch {
  const now = new Date();
  return {
    batchId: randomUUID(),
    agentId,
    plugin: 'apt',
    complete: true,
    startedAt: now,
    finishedAt: now,
    occurredAt: now,
    error: null,
    packages: names.map((name) => ({
      name,
      arch: 'amd64',
      currentVersion: '1',
      availableVersion: '2',
      severity: 'high',
      security: true,
      source: 'bookworm-security',
      rebootRequired: false,
      held: false,
      metadata: {},
      ...fields,
    })),
  };
}
