import type { ScanMessage, ScanPackage } from '../../broker/protocol/index.js';
import type { Database, IngestOutcome, IngestPackage } from '../db/index.js';
import type { EventRecorder, LiveBus } from '../events/index.js';

const DOCKER_FIELDS = ['image', 'tag', 'containerIds', 'localDigests', 'remoteDigest', 'platform'] as const;

/**
 * Docker records carry their image fields beside the package record; they live in metadata.
 * A plain loop, copying only for Docker records: it runs for every package of every scan.
 */
function metadataOf(p: ScanPackage): Record<string, unknown> {
  let metadata: Record<string, unknown> = p.metadata;
  for (const field of DOCKER_FIELDS) {
    if (p[field] === undefined) continue;
    if (metadata === p.metadata) metadata = { ...p.metadata };
    metadata[field] = p[field];
  }
  return metadata;
}

/**
 * A validated `scan` message into the fleet state (DESIGN.md §3.5). The caller sends the
 * receipt once this resolves, i.e. after the commit.
 */
export async function ingestScan(
  ctx: { db: Database; events: EventRecorder; bus?: LiveBus },
  agentId: string,
  scan: ScanMessage,
): Promise<IngestOutcome> {
  const held = new Set(scan.holds ?? []);
  // One row per (name, arch): the last record wins, as the package manager listed it.
  const byKey = new Map<string, IngestPackage>();
  for (const p of scan.packages) {
    const arch = p.arch ?? '';
    byKey.set(`${p.name}\u0000${arch}`, {
      name: p.name,
      arch,
      currentVersion: p.currentVersion,
      availableVersion: p.availableVersion,
      severity: p.severity,
      security: p.security,
      source: p.source,
      rebootRequired: p.rebootRequired ?? false,
      held: held.has(p.name),
      metadata: metadataOf(p),
    });
  }
  const outcome = await ctx.db.scans.ingest({
    batchId: scan.batchId,
    agentId,
    plugin: scan.plugin,
    complete: scan.complete,
    startedAt: new Date(scan.startedAt),
    finishedAt: new Date(scan.finishedAt),
    occurredAt: new Date(scan.finishedAt),
    error: scan.error ?? null,
    packages: [...byKey.values()],
    ...(scan.containers && !scan.error ? { containers: scan.containers } : {}),
  });
  // One summary per batch, whatever its size: the panel reloads the counts it shows. Published:
  // what follows from a stored scan (auto-approve rules) is done before the receipt goes out.
  if (outcome.status === 'stored')
    await ctx.bus?.publish('scan.ingested', agentId, {
      plugin: scan.plugin,
      batchId: scan.batchId,
      complete: scan.complete,
      packageCount: byKey.size,
      discovered: outcome.discovered,
      changed: outcome.changed,
      resolved: outcome.resolved,
      error: scan.error ?? null,
    });
  if (outcome.containers?.changed)
    await ctx.bus?.publish('containers.changed', agentId, {
      count: outcome.containers.count,
      updates: outcome.containers.updates,
    });
  if (outcome.status === 'stored' && scan.error)
    await ctx.events.record({
      type: 'scan',
      subtype: 'failed',
      severity: 'warning',
      component: 'updates',
      agentId,
      message: `${scan.plugin} scan failed on the agent: ${scan.error}`,
      metadata: { batchId: scan.batchId, plugin: scan.plugin },
    });
  return outcome;
}
