import type { Knex } from 'knex';
import { applyHoldsAndIgnores } from './policies.js';

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
}

export interface IngestOutcome {
  status: 'stored' | 'duplicate';
  discovered: number;
  changed: number;
  resolved: number;
}

/** Package states in which an update is no longer open; a package reported again reopens. */
const CLOSED = `('resolved', 'updated')`;

/**
 * A scan batch into the fleet state in one transaction and a constant number of statements,
 * whatever the batch size (issue 4): the packages travel as parallel arrays through `unnest`.
 * 1. the batch row (its id makes a re-delivered batch a no-op),
 * 2. discovered/changed events, computed against the state before this batch, and the upsert
 *    of package_state, in one statement,
 * 3. for a complete scan: packages no longer reported (not marked with this batch) are resolved,
 *    with their events.
 */
export function scanIngestRepository(knex: Knex) {
  return {
    async ingest(batch: IngestBatch): Promise<IngestOutcome> {
      return knex.transaction(async (trx) => {
        const inserted = (await trx.raw(
          `insert into scan_batches (id, agent_id, plugin, complete, package_count, started_at, finished_at, error)
           values (?, ?, ?, ?, ?, ?, ?, ?)
           on conflict (id) do nothing
           returning id`,
          [
            batch.batchId,
            batch.agentId,
            batch.plugin,
            batch.complete,
            batch.packages.length,
            batch.startedAt,
            batch.finishedAt,
            batch.error,
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
           ev as (
             insert into update_events (agent_id, batch_id, plugin, package, arch, from_version, to_version, kind, severity, occurred_at)
             select ?, ?, ?, i.name, i.arch, i.current_version, i.available_version,
                    case when s.name is null or s.status in ${CLOSED} then 'discovered' else 'changed' end,
                    i.severity, ?
               from i
               left join package_state s
                 on s.agent_id = ? and s.plugin = ? and s.name = i.name and s.arch = i.arch
              where s.name is null or s.status in ${CLOSED} or s.available_version is distinct from i.available_version
             returning kind),
           up as (
             insert into package_state as s
               (agent_id, plugin, name, arch, current_version, available_version, severity, security, source,
                reboot_required, metadata, status, first_seen_at, last_seen_at, status_changed_at, last_batch_id)
             select ?, ?, i.name, i.arch, i.current_version, i.available_version, i.severity, i.security, i.source,
                    i.reboot_required, i.metadata, case when i.held then 'held' else 'pending' end, ?, ?, ?, ?
               from i
             on conflict (agent_id, plugin, name, arch) do update set
               current_version = excluded.current_version,
               available_version = excluded.available_version,
               severity = excluded.severity,
               security = excluded.security,
               source = excluded.source,
               reboot_required = excluded.reboot_required,
               metadata = excluded.metadata,
               last_seen_at = excluded.last_seen_at,
               last_batch_id = excluded.last_batch_id,
               first_seen_at = case when s.status in ${CLOSED} then excluded.first_seen_at else s.first_seen_at end,
               status = case
                 when excluded.status = 'held' then 'held'
                 when s.status in ${CLOSED} or s.status = 'held' then 'pending'
                 else s.status end,
               status_changed_at = case
                 when (case when excluded.status = 'held' then 'held'
                            when s.status in ${CLOSED} or s.status = 'held' then 'pending'
                            else s.status end) <> s.status
                 then excluded.status_changed_at else s.status_changed_at end
             returning 1)
           select (select count(*) from ev where kind = 'discovered')::int as discovered,
                  (select count(*) from ev where kind = 'changed')::int as changed,
                  (select count(*) from up)::int as upserted`,
          [
            ...arrays,
            batch.agentId,
            batch.batchId,
            batch.plugin,
            batch.occurredAt,
            batch.agentId,
            batch.plugin,
            batch.agentId,
            batch.plugin,
            batch.occurredAt,
            batch.occurredAt,
            batch.occurredAt,
            batch.batchId,
          ],
        )) as { rows: Array<{ discovered: number; changed: number }> };

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
        await applyHoldsAndIgnores(trx, batch.agentId, batch.plugin);
        return {
          status: 'stored',
          discovered: counts.rows[0]!.discovered,
          changed: counts.rows[0]!.changed,
          resolved,
        };
      });
    },
  };
}
