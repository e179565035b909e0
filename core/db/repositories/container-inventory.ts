import type { Knex } from 'knex';
import type { ContainerInventoryItem } from '../../../broker/protocol/index.js';

/** What replacing a host's inventory did; `changed` false also for a stale (older) inventory. */
export interface InventoryOutcome {
  changed: boolean;
  /** Containers the host has after this scan (its stored inventory when the scan was stale). */
  count: number;
  /** Of those, how many run an image with an update. */
  updates: number;
}

/**
 * A host's containers replaced by the set one scan reported (issue 24 §5), in the scan's own
 * transaction and a constant number of statements: the inventory's time first, refused when a
 * newer inventory is already stored (a spooled scan delivered late); then, in one statement,
 * containers no longer reported deleted and the others upserted, a row touched only when
 * something of it differs, so `changed` says whether the panel needs to read it again.
 */
export async function replaceInventory(
  trx: Knex.Transaction,
  agentId: string,
  batchId: string,
  scannedAt: Date,
  reported: readonly ContainerInventoryItem[],
): Promise<InventoryOutcome> {
  const fresh = (await trx.raw(
    `insert into container_inventories as v (agent_id, scanned_at, batch_id) values (?, ?, ?)
     on conflict (agent_id) do update set scanned_at = excluded.scanned_at, batch_id = excluded.batch_id
      where v.scanned_at <= excluded.scanned_at
     returning 1`,
    [agentId, scannedAt, batchId],
  )) as { rows: unknown[] };
  if (fresh.rows.length === 0) {
    const stored = (await trx.raw(
      `select count(*)::int as count, count(*) filter (where check_status = 'update_available')::int as updates
         from containers where agent_id = ?`,
      [agentId],
    )) as { rows: Array<{ count: number; updates: number }> };
    return { changed: false, ...stored.rows[0]! };
  }
  // One row per container id: the last one listed wins (an upsert may not touch a row twice).
  const items = [...new Map(reported.map((c) => [c.id, c])).values()];
  const column = <T>(f: (c: ContainerInventoryItem) => T | undefined) => items.map((c) => f(c) ?? null);
  const result = (await trx.raw(
    `with i as (
       select * from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::jsonb[], ?::text[],
                            ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
         as i(container_id, name, reference, image, tag, image_id, local_digests, remote_digest,
              check_status, check_reason, state, health, compose_project, compose_service, platform)),
     gone as (
       delete from containers c
        where c.agent_id = ? and not exists (select 1 from i where i.container_id = c.container_id)
       returning 1),
     up as (
       insert into containers as c (agent_id, container_id, name, reference, image, tag, image_id, local_digests,
                                    remote_digest, check_status, check_reason, state, health, compose_project,
                                    compose_service, platform, first_seen_at, changed_at)
       select ?, i.*, ?, ? from i
       on conflict (agent_id, container_id) do update set
         name = excluded.name, reference = excluded.reference, image = excluded.image, tag = excluded.tag,
         image_id = excluded.image_id, local_digests = excluded.local_digests,
         remote_digest = excluded.remote_digest, check_status = excluded.check_status,
         check_reason = excluded.check_reason, state = excluded.state, health = excluded.health,
         compose_project = excluded.compose_project, compose_service = excluded.compose_service,
         platform = excluded.platform, changed_at = excluded.changed_at
        where (c.name, c.reference, c.image, c.tag, c.image_id, c.local_digests, c.remote_digest, c.check_status,
               c.check_reason, c.state, c.health, c.compose_project, c.compose_service, c.platform)
              is distinct from
              (excluded.name, excluded.reference, excluded.image, excluded.tag, excluded.image_id,
               excluded.local_digests, excluded.remote_digest, excluded.check_status, excluded.check_reason,
               excluded.state, excluded.health, excluded.compose_project, excluded.compose_service,
               excluded.platform)
       returning 1)
     select (select count(*) from gone)::int + (select count(*) from up)::int as touched,
            (select count(*) from i)::int as count,
            (select count(*) from i where check_status = 'update_available')::int as updates`,
    [
      column((c) => c.id),
      column((c) => c.name),
      column((c) => c.reference),
      column((c) => c.image),
      column((c) => c.tag),
      column((c) => c.imageId),
      column((c) => JSON.stringify(c.localDigests)),
      column((c) => c.remoteDigest),
      column((c) => c.checkStatus),
      column((c) => c.checkReason),
      column((c) => c.state),
      column((c) => c.health),
      column((c) => c.composeProject),
      column((c) => c.composeService),
      column((c) => c.platform),
      agentId,
      agentId,
      scannedAt,
      scannedAt,
    ] as Knex.RawBinding[],
  )) as { rows: Array<{ touched: number; count: number; updates: number }> };
  const row = result.rows[0]!;
  return { changed: row.touched > 0, count: row.count, updates: row.updates };
}
