import type { Knex } from 'knex';
import type { PackageState, PackageStatus } from './package-state.js';

/** The filters of GET /api/v1/updates, also used to select packages for bulk actions. */
export interface UpdateFilter {
  agentIds?: string[];
  plugins?: string[];
  severities?: string[];
  statuses?: PackageStatus[];
  security?: boolean;
  /** Agents carrying this label. */
  label?: string;
  /** Free text: a case-insensitive substring of the package name. */
  q?: string;
}

export type UpdateSort = 'severity' | 'name' | 'host' | 'firstSeen';
export type SortOrder = 'asc' | 'desc';

/** The position after the last row of a page: its sort key values, the unique id last. */
export type UpdateCursorKey = Array<string | number>;

export interface UpdatePageRequest {
  filter: UpdateFilter;
  sort: UpdateSort;
  order: SortOrder;
  limit: number;
  after: UpdateCursorKey | null;
}

/** A row of the list: the package state without its workflow notes, with its id and host. */
export type UpdateListItem = Omit<PackageState, 'dependencies'> & { id: string; hostname: string };

export interface UpdatePage {
  items: UpdateListItem[];
  /** The key after the last item, or null on the last page. */
  next: UpdateCursorKey | null;
}

/**
 * Each sort is a tuple ending with the unique id, so the keyset `(tuple) > (cursor)` is a total
 * order: rows inserted between two page requests land before or after the cursor, and no row
 * that existed on both requests is shown twice or skipped. Every tuple has its own index
 * (migration 20261201100000), read forwards for one direction and backwards for the other.
 * `natural` is the order a user asks for when the tuple is read ascending.
 */
const SORTS: Record<
  UpdateSort,
  { columns: string[]; casts: string[]; natural: SortOrder; defaultOrder: SortOrder }
> = {
  // severity_order 0 is critical: "severity desc" (most severe first) reads the tuple ascending.
  severity: {
    columns: ['s.severity_order', 's.name', 's.id'],
    casts: ['int', 'text', 'bigint'],
    natural: 'desc',
    defaultOrder: 'desc',
  },
  name: { columns: ['s.name', 's.id'], casts: ['text', 'bigint'], natural: 'asc', defaultOrder: 'asc' },
  host: {
    columns: ['a.hostname', 's.agent_id', 's.id'],
    casts: ['text', 'uuid', 'bigint'],
    natural: 'asc',
    defaultOrder: 'asc',
  },
  firstSeen: {
    columns: ['s.first_seen_at', 's.id'],
    casts: ['timestamptz', 'bigint'],
    natural: 'asc',
    defaultOrder: 'desc',
  },
};

export function defaultOrderOf(sort: UpdateSort): SortOrder {
  return SORTS[sort].defaultOrder;
}

/** How many values a cursor of this sort carries (the route checks a decoded cursor with it). */
export function cursorArity(sort: UpdateSort): number {
  return SORTS[sort].columns.length;
}

/** The key values as they go into a cursor: exact text, so no precision is lost (timestamps have µs). */
const KEY_SELECT: Record<string, string> = {
  's.severity_order': 's.severity_order as k_severity_order',
  's.name': 's.name as k_name',
  's.id': 's.id::text as k_id',
  'a.hostname': 'a.hostname as k_hostname',
  's.agent_id': 's.agent_id::text as k_agent_id',
  's.first_seen_at': `to_char(s.first_seen_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as k_first_seen_at`,
};
const keyAlias = (column: string) => `k_${column.slice(2)}`;

/** A LIKE pattern matching `text` literally anywhere. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Adds the WHERE clauses of a filter over `package_state s join agents a`. */
export function applyUpdateFilter(query: Knex.QueryBuilder, filter: UpdateFilter): Knex.QueryBuilder {
  if (filter.agentIds?.length) query.whereRaw('s.agent_id = any(?::uuid[])', [filter.agentIds]);
  if (filter.plugins?.length) query.whereRaw('s.plugin = any(?::text[])', [filter.plugins]);
  if (filter.severities?.length) query.whereRaw('s.severity = any(?::text[])', [filter.severities]);
  if (filter.statuses?.length) query.whereRaw('s.status = any(?::text[])', [filter.statuses]);
  if (filter.security !== undefined) query.where('s.security', filter.security);
  if (filter.label) query.whereRaw('a.labels @> jsonb_build_array(?::text)', [filter.label]);
  if (filter.q) query.whereRaw(`s.name ilike ? escape '\\'`, [containsPattern(filter.q)]);
  return query;
}

interface Row {
  id: string;
  agent_id: string;
  hostname: string;
  plugin: string;
  name: string;
  arch: string;
  current_version: string | null;
  available_version: string | null;
  severity: string;
  security: boolean;
  source: string | null;
  reboot_required: boolean;
  status: PackageStatus;
  metadata: Record<string, unknown>;
  first_seen_at: Date;
  last_seen_at: Date;
  status_changed_at: Date;
  [key: `k_${string}`]: string | number;
}

export const LIST_COLUMNS = [
  's.id',
  's.agent_id',
  'a.hostname',
  's.plugin',
  's.name',
  's.arch',
  's.current_version',
  's.available_version',
  's.severity',
  's.security',
  's.source',
  's.reboot_required',
  's.status',
  's.metadata',
  's.first_seen_at',
  's.last_seen_at',
  's.status_changed_at',
];

export function listItemFromRow(r: Omit<Row, `k_${string}`>): UpdateListItem {
  return {
    id: String(r.id),
    agentId: r.agent_id,
    hostname: r.hostname,
    plugin: r.plugin,
    name: r.name,
    arch: r.arch,
    currentVersion: r.current_version,
    availableVersion: r.available_version,
    severity: r.severity,
    security: r.security,
    source: r.source,
    rebootRequired: r.reboot_required,
    status: r.status,
    metadata: r.metadata,
    firstSeenAt: new Date(r.first_seen_at),
    lastSeenAt: new Date(r.last_seen_at),
    statusChangedAt: new Date(r.status_changed_at),
  };
}

export function updateListRepository(knex: Knex) {
  return {
    /** One page in the requested order, after the cursor key. */
    async page(req: UpdatePageRequest): Promise<UpdatePage> {
      const sort = SORTS[req.sort];
      const descending = req.order !== sort.natural;
      const dir = descending ? 'desc' : 'asc';
      const query = knex({ s: 'package_state' })
        .join({ a: 'agents' }, 'a.id', 's.agent_id')
        .select([...LIST_COLUMNS, ...sort.columns.map((c) => knex.raw(KEY_SELECT[c]!))])
        .limit(req.limit + 1);
      applyUpdateFilter(query, req.filter);
      if (req.after) {
        const placeholders = sort.casts.map((cast) => `?::${cast}`).join(', ');
        query.whereRaw(`(${sort.columns.join(', ')}) ${descending ? '<' : '>'} (${placeholders})`, req.after);
        // The leading column alone can use the index for the host sort, whose tuple spans two tables.
        if (req.sort === 'host') query.whereRaw(`a.hostname ${descending ? '<=' : '>='} ?`, [req.after[0]!]);
      }
      for (const column of sort.columns) query.orderByRaw(`${column} ${dir}`);
      const rows = (await query) as Row[];
      const more = rows.length > req.limit;
      const page = more ? rows.slice(0, req.limit) : rows;
      const last = page.at(-1);
      return {
        items: page.map(listItemFromRow),
        next: more && last ? sort.columns.map((c) => last[keyAlias(c) as `k_${string}`]!) : null,
      };
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

    /** The keys of up to `max` packages matching a filter, in id order. */
    async keysByFilter(filter: UpdateFilter, max: number): Promise<Array<PackageKey & { id: string }>> {
      const query = knex({ s: 'package_state' })
        .join({ a: 'agents' }, 'a.id', 's.agent_id')
        .select('s.id', 's.agent_id', 's.plugin', 's.name', 's.arch')
        .orderBy('s.id')
        .limit(max);
      applyUpdateFilter(query, filter);
      return ((await query) as KeyRow[]).map(keyFromRow);
    },
  };
}

/** One package of one host (package_state's primary key). */
export interface PackageKey {
  agentId: string;
  plugin: string;
  name: string;
  arch: string;
}

export interface InstallRecord {
  id: string;
  fromVersion: string | null;
  toVersion: string | null;
  commandId: string | null;
  result: 'succeeded' | 'failed';
  message: string | null;
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
