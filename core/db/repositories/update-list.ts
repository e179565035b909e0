import type { Knex } from 'knex';
import type { InstallRecord as ApiInstallRecord, PackageRef } from '../../../broker/protocol/api-types.js';
import type { PackageStatus } from './package-state.js';
import {
  applyUpdateFilter,
  LIST_COLUMNS,
  listItemFromRow,
  type Row,
  type UpdateFilter,
  type UpdateListItem,
  type UpdatePage,
  type UpdatePageRequest,
} from './update-list-sql.js';
import { listPage, SEARCH_BOUNDS, type SearchBounds } from './update-page.js';

export {
  containsPattern,
  cursorArity,
  defaultOrderOf,
  type SortOrder,
  type UpdateCursorKey,
  type UpdateFilter,
  type UpdateListItem,
  type UpdatePage,
  type UpdatePageRequest,
  type UpdateSort,
} from './update-list-sql.js';

export function updateListRepository(knex: Knex, search: SearchBounds = SEARCH_BOUNDS) {
  return {
    /** One page in the requested order, after the cursor key. */
    page: (req: UpdatePageRequest): Promise<UpdatePage> => listPage(knex, req, search),

    /** How many package states match a filter (the panel's "all N matching"). */
    async count(filter: UpdateFilter): Promise<number> {
      const query = knex({ s: 'package_state' }).join({ a: 'agents' }, 'a.id', 's.agent_id');
      applyUpdateFilter(query, filter);
      const row = (await query.count({ n: '*' }).first()) as { n: string | number } | undefined;
      return Number(row?.n ?? 0);
    },

    /** One package state by its id, with what the install workflow recorded about it. */
    async findById(
      id: string,
    ): Promise<(UpdateListItem & { dependencies: Record<string, unknown> | null }) | null> {
      if (!/^\d{1,18}$/.test(id)) return null;
      const row = (await knex({ s: 'package_state' })
        .join({ a: 'agents' }, 'a.id', 's.agent_id')
        .where('s.id', id)
        .first([...LIST_COLUMNS, 's.dependencies'])) as
        (Omit<Row, `k_${string}`> & { dependencies: Record<string, unknown> | null }) | undefined;
      return row ? { ...listItemFromRow(row), dependencies: row.dependencies ?? null } : null;
    },

    /** Installs of one package of one host, newest first. */
    async installHistory(ref: PackageKey, limit: number): Promise<InstallRecord[]> {
      const rows = (await knex('package_history')
        .where({ agent_id: ref.agentId, plugin: ref.plugin, name: ref.name, arch: ref.arch })
        .orderBy('id', 'desc')
        .limit(limit)) as Array<Record<string, unknown>>;
      return rows.map((r) => ({
        id: String(r.id),
        fromVersion: (r.from_version as string | null) ?? null,
        toVersion: (r.to_version as string | null) ?? null,
        commandId: (r.command_id as string | null) ?? null,
        result: r.result as 'succeeded' | 'failed',
        message: (r.message as string | null) ?? null,
        occurredAt: new Date(r.occurred_at as string),
        recordedAt: new Date(r.recorded_at as string),
      }));
    },

    /** update_events of one package of one host, newest first. */
    async events(ref: PackageKey, limit: number): Promise<PackageEvent[]> {
      const rows = (await knex('update_events')
        .where({ agent_id: ref.agentId, plugin: ref.plugin, package: ref.name, arch: ref.arch })
        .orderBy('id', 'desc')
        .limit(limit)) as Array<Record<string, unknown>>;
      return rows.map((r) => ({
        id: String(r.id),
        kind: r.kind as PackageEvent['kind'],
        fromVersion: (r.from_version as string | null) ?? null,
        toVersion: (r.to_version as string | null) ?? null,
        severity: (r.severity as string | null) ?? null,
        batchId: (r.batch_id as string | null) ?? null,
        occurredAt: new Date(r.occurred_at as string),
      }));
    },

    /** The status of each key that exists, by `agentId\0plugin\0name\0arch`. */
    async statusesOf(keys: PackageKey[]): Promise<Map<string, PackageStatus>> {
      if (!keys.length) return new Map();
      const result = (await knex.raw(
        `select s.agent_id, s.plugin, s.name, s.arch, s.status
           from unnest(?::uuid[], ?::text[], ?::text[], ?::text[]) as r(agent_id, plugin, name, arch)
           join package_state s
             on s.agent_id = r.agent_id and s.plugin = r.plugin and s.name = r.name and s.arch = r.arch`,
        [
          keys.map((k) => k.agentId),
          keys.map((k) => k.plugin),
          keys.map((k) => k.name),
          keys.map((k) => k.arch),
        ],
      )) as { rows: Array<KeyRow & { status: PackageStatus }> };
      return new Map(
        result.rows.map((r) => [`${r.agent_id}\u0000${r.plugin}\u0000${r.name}\u0000${r.arch}`, r.status]),
      );
    },

    /** The keys of the given ids; unknown ids are left out. */
    async keysByIds(ids: string[]): Promise<Array<PackageKey & { id: string }>> {
      const valid = ids.filter((id) => /^\d{1,18}$/.test(id));
      if (!valid.length) return [];
      const rows = (await knex('package_state')
        .whereRaw('id = any(?::bigint[])', [valid])
        .orderBy('id')
        .select('id', 'agent_id', 'plugin', 'name', 'arch')) as KeyRow[];
      return rows.map(keyFromRow);
    },

    /**
     * The keys of up to `max` packages matching a filter, in id order. When more match, which
     * `max` come back is left open (the caller refuses such a filter): collecting the matches
     * unordered keeps the planner from reading the id index until it has found `max` of a rare term.
     */
    async keysByFilter(filter: UpdateFilter, max: number): Promise<Array<PackageKey & { id: string }>> {
      const matches = knex({ s: 'package_state' }).select(
        's.id',
        's.agent_id',
        's.plugin',
        's.name',
        's.arch',
      );
      applyUpdateFilter(matches, filter).limit(max);
      const query = knex.withMaterialized('m', matches).select('*').from('m').orderBy('id');
      return ((await query) as KeyRow[]).map(keyFromRow);
    },
  };
}

/** One package of one host (package_state's primary key). */
export type PackageKey = PackageRef;

/** The API's install record, with the core's dates, and when the core recorded it. */
export interface InstallRecord extends Omit<ApiInstallRecord, 'occurredAt'> {
  occurredAt: Date;
  recordedAt: Date;
}

export interface PackageEvent {
  id: string;
  kind: 'discovered' | 'changed' | 'resolved' | 'installed' | 'failed';
  fromVersion: string | null;
  toVersion: string | null;
  severity: string | null;
  batchId: string | null;
  occurredAt: Date;
}

interface KeyRow {
  id: string;
  agent_id: string;
  plugin: string;
  name: string;
  arch: string;
}

const keyFromRow = (r: KeyRow) => ({
  id: String(r.id),
  agentId: r.agent_id,
  plugin: r.plugin,
  name: r.name,
  arch: r.arch,
});
