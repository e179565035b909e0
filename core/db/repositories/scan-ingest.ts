import type { Knex } from 'knex';
import type { ContainerInventoryItem } from '../../../broker/protocol/index.js';
import { type InventoryOutcome, replaceInventory } from './container-inventory.js';
import { applyHoldsAndIgnores, RULE_KINDS, type RuleKind } from './policies.js';

/** One package as the ingest stores it (the scan record, normalised). */
export interface IngestPackage {
  name: string;
  arch: string;
  currentVersion: string;
  availableVersion: string;
  severity: string;
  security: boolean;
  source: string;
  rebootRequired: boolean;
  held: boolean;
  metadata: Record<string, unknown>;
}

export interface IngestBatch {
  batchId: string;
  agentId: string;
  plugin: string;
  complete: boolean;
  startedAt: Date;
  finishedAt: Date;
  /** The agent's clock: when the scan saw these packages. */
  occurredAt: Date;
  error: string | null;
  packages: IngestPackage[];
  /** The host's containers (a docker scan's inventory): replaces the stored ones. */
  containers?: readonly ContainerInventoryItem[];
}

export interface IngestOutcome {
  status: 'stored' | 'duplicate';
  discovered: number;
  changed: number;
  resolved: number;
  /** When the batch carried a container inventory: what replacing it did. */
  containers?: InventoryOutcome;
}

/** Package states in which an update is no longer open; a package reported again reopens. */
const CLOSED = `('resolved', 'updated')`;

/**
 * A reported package's status: held by its package manager, reopened, or left as it was. These
 * moves, and the resolution of a complete scan below, are the state machine's
 * `held_by_package_manager`, `reported_again` and `resolved_by_scan` (core/updates, issue 22 §2);
 * test/core/updates/package-moves.test.ts drives them from every state against its table.
 */
const REPORTED_STATUS = `case when i.held then 'held' when s.status in ${CLOSED} or s.status = 'held' then 'pending' else s.status end`;

/**
 * What a report changes on a known package (bindings: seen at, batch id, seen at, seen at).
 * An update whose indexed columns keep their values is a HOT update (fillfactor, migration
 * 20261202100000), so no index is touched for the common case of a new available version.
 */
const SET_REPORTED = `current_version = i.current_version, available_version = i.available_version,
  severity = i.severity, security = i.security, source = i.source, reboot_required = i.reboot_required,
  metadata = i.metadata, last_seen_at = ?::timestamptz, last_batch_id = ?::uuid,
  first_seen_at = case when s.status in ${CLOSED} then ?::timestamptz else s.first_seen_at end,
  status = ${REPORTED_STATUS},
  status_changed_at = case when ${REPORTED_STATUS} <> s.status then ?::timestamptz else s.status_changed_at end`;

/**
 * A scan batch into the fleet state in one transaction and a constant number of statements,
 * whatever the batch size (issue 4): the packages travel as parallel arrays through `unnest`.
 * 1. the batch row (its id makes a re-delivered batch a no-op) and the per-agent lock, in one
 *    statement,
 * 2. discovered/changed events, computed against the state before this batch, the update of
 *    known packages, the insert of new ones and of names the search has not seen, in one
 *    statement,
 * 3. for a complete scan: packages no longer reported (not marked with this batch) are resolved,
 *    with their events.
 */
export function scanIngestRepository(knex: Knex) {
  return {
    async ingest(batch: IngestBatch): Promise<IngestOutcome> {
      return knex.transaction(async (trx) => {
        // The batch row, and then the lock by which ingests of one agent's plugin take turns, so
        // the insert of new packages below never races another batch's insert of the same ones
        // (a re-delivery inserts no row, so takes no lock). One round trip for both: each is a
        // wait for the event loop on a busy core.
        const inserted = (await trx.raw(
          `with b as (
             insert into scan_batches (id, agent_id, plugin, complete, package_count, started_at, finished_at, error)
             values (?, ?, ?, ?, ?, ?, ?, ?)
             on conflict (id) do nothing
             returning id)
           select b.id, pg_advisory_xact_lock(hashtextextended(?, 0))::text as locked from b`,
          [
            batch.batchId,
            batch.agentId,
            batch.plugin,
            batch.complete,
            batch.packages.length,
            batch.startedAt,
            batch.finishedAt,
            batch.error,
            `scan:${batch.agentId}:${batch.plugin}`,
          ],
        )) as { rows: unknown[] };
        if (inserted.rows.length === 0)
          return { status: 'duplicate', discovered: 0, changed: 0, resolved: 0 };
        // A failed scan says nothing about what is pending: record it, change nothing.
        if (batch.error !== null) return { status: 'stored', discovered: 0, changed: 0, resolved: 0 };

        const p = batch.packages;
        const arrays = [
          p.map((x) => x.name),
          p.map((x) => x.arch),
          p.map((x) => x.currentVersion),
          p.map((x) => x.availableVersion),
          p.map((x) => x.severity),
          p.map((x) => x.security),
          p.map((x) => x.source),
          p.map((x) => x.rebootRequired),
          p.map((x) => x.held),
          p.map((x) => JSON.stringify(x.metadata)),
        ];
        const incoming = `unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::boolean[], ?::text[], ?::boolean[], ?::boolean[], ?::jsonb[])
          as i(name, arch, current_version, available_version, severity, security, source, reboot_required, held, metadata)`;

        // One statement: the events and the upsert share the parsed arrays, and every part of a
        // statement sees the same snapshot, so the events compare against the state before it.
        const counts = (await trx.raw(
          `with i as (select * from ${incoming}),
           -- Each incoming package with what is known of it, looked up once for all the parts below.
           j as (
             select i.*, s.name is not null as known, s.status as old_status, s.available_version as old_available
               from i
               left join package_state s
                 on s.agent_id = ? and s.plugin = ? and s.name = i.name and s.arch = i.arch),
           ev as (
             insert into update_events (agent_id, batch_id, plugin, package, arch, from_version, to_version, kind, severity, occurred_at)
             select ?, ?, ?, j.name, j.arch, j.current_version, j.available_version,
                    case when not j.known or j.old_status in ${CLOSED} then 'discovered' else 'changed' end,
                    j.severity, ?
               from j
              where not j.known or j.old_status in ${CLOSED} or j.old_available is distinct from j.available_version
             returning kind),
           upd as (
             update package_state s set ${SET_REPORTED}
               from j i
              where i.known and s.agent_id = ? and s.plugin = ? and s.name = i.name and s.arch = i.arch
             returning 1),
           -- Not known in this statement's snapshot; the per-agent lock keeps another ingest from
           -- inserting the same packages meanwhile.
           ins as (
             insert into package_state as s
               (agent_id, plugin, name, arch, current_version, available_version, severity, security, source,
                reboot_required, metadata, status, first_seen_at, last_seen_at, status_changed_at, last_batch_id)
             select ?, ?, j.name, j.arch, j.current_version, j.available_version, j.severity, j.security, j.source,
                    j.reboot_required, j.metadata, case when j.held then 'held' else 'pending' end, ?, ?, ?, ?
               from j
              where not j.known
             returning 1),
           -- The name search reads package_names (migration 20261203120000): a known package's
           -- name is there since it was first stored. In name order, so ingests adding the same
           -- new names wait for each other instead of deadlocking.
           names as (
             insert into package_names (name)
             select distinct j.name from j
              where not j.known and not exists (select 1 from package_names n where n.name = j.name)
              order by 1
             on conflict do nothing)
           select (select count(*) from ev where kind = 'discovered')::int as discovered,
                  (select count(*) from ev where kind = 'changed')::int as changed,
                  (select count(*) from upd)::int + (select count(*) from ins)::int as upserted,
                  ${RULE_KINDS} as rule_kinds`,
          [
            ...arrays,
            // j
            batch.agentId,
            batch.plugin,
            // ev
            batch.agentId,
            batch.batchId,
            batch.plugin,
            batch.occurredAt,
            // upd
            batch.occurredAt,
            batch.batchId,
            batch.occurredAt,
            batch.occurredAt,
            batch.agentId,
            batch.plugin,
            // ins
            batch.agentId,
            batch.plugin,
            batch.occurredAt,
            batch.occurredAt,
            batch.occurredAt,
            batch.batchId,
          ],
        )) as { rows: Array<{ discovered: number; changed: number; rule_kinds: RuleKind[] }> };

        let resolved = 0;
        if (batch.complete) {
          const gone = (await trx.raw(
            `with gone as (
               update package_state s
                  set status = 'resolved', status_changed_at = ?
                where s.agent_id = ? and s.plugin = ? and s.status not in ${CLOSED}
                  and s.last_batch_id is distinct from ?
               returning s.name, s.arch, s.current_version, s.available_version, s.severity)
             insert into update_events (agent_id, batch_id, plugin, package, arch, from_version, to_version, kind, severity, occurred_at)
             select ?, ?, ?, g.name, g.arch, g.current_version, g.available_version, 'resolved', g.severity, ?
               from gone g
             returning id`,
            [
              batch.occurredAt,
              batch.agentId,
              batch.plugin,
              batch.batchId,
              batch.agentId,
              batch.batchId,
              batch.plugin,
              batch.occurredAt,
            ],
          )) as { rows: unknown[] };
          resolved = gone.rows.length;
        }
        // Hold and ignore rules (core/policy) apply before anyone can see the batch.
        await applyHoldsAndIgnores(trx, batch.agentId, batch.plugin, counts.rows[0]!.rule_kinds);
        const containers = batch.containers
          ? await replaceInventory(trx, batch.agentId, batch.batchId, batch.occurredAt, batch.containers)
          : undefined;
        return {
          status: 'stored',
          discovered: counts.rows[0]!.discovered,
          changed: counts.rows[0]!.changed,
          resolved,
          ...(containers ? { containers } : {}),
        };
      });
    },
  };
}
