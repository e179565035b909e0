/**
 * What GET /api/v1/updates is made of, shared by the page strategies (update-page.ts) and the
 * repository (update-list.ts): the filter, the sorts and their keyset, the columns of a row.
 */
import type { Knex } from 'knex';
import type { SortOrder, UpdateSort } from '../../../broker/protocol/api-types.js';
import { type PackageStateRow, type PackageStatus, stateFromRow } from './package-state.js';
import type { PackageState } from '../../domain/index.js';

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

export type { SortOrder, UpdateSort };

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
export interface SortSpec {
  columns: string[];
  casts: string[];
  natural: SortOrder;
  defaultOrder: SortOrder;
}

export const SORTS: Record<UpdateSort, SortSpec> = {
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
const keyAlias = (column: string) => `k_${column.slice(2)}` as `k_${string}`;

/** The select list of a page: the row's columns and its key values for the cursor. */
export function pageColumns(knex: Knex, sort: SortSpec): Array<string | Knex.Raw> {
  return [...LIST_COLUMNS, ...sort.columns.map((c) => knex.raw(KEY_SELECT[c]!))];
}

/** The cursor key of a page's last row. */
export function keyOfRow(sort: SortSpec, row: Row): UpdateCursorKey {
  return sort.columns.map((c) => row[keyAlias(c)]!);
}

/** The direction the sort's tuple is read in for the order the caller asked for. */
export function directionOf(req: UpdatePageRequest): 'asc' | 'desc' {
  return req.order === SORTS[req.sort].natural ? 'asc' : 'desc';
}

/** Keeps the rows after the cursor key, in the direction the page is read. */
export function applyAfter(query: Knex.QueryBuilder, req: UpdatePageRequest): Knex.QueryBuilder {
  if (!req.after) return query;
  const sort = SORTS[req.sort];
  const descending = directionOf(req) === 'desc';
  const placeholders = sort.casts.map((cast) => `?::${cast}`).join(', ');
  query.whereRaw(`(${sort.columns.join(', ')}) ${descending ? '<' : '>'} (${placeholders})`, req.after);
  // The leading column alone can use the index for the host sort, whose tuple spans two tables.
  if (req.sort === 'host') query.whereRaw(`a.hostname ${descending ? '<=' : '>='} ?`, [req.after[0]!]);
  return query;
}

/** A LIKE pattern matching `text` literally anywhere. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Adds the WHERE clauses of a filter over `package_state s` (the label through a subquery, so
 * the filter needs no join and also applies to a subquery that carries package_state's columns).
 */
export function applyUpdateFilter(query: Knex.QueryBuilder, filter: UpdateFilter): Knex.QueryBuilder {
  if (filter.agentIds?.length) query.whereRaw('s.agent_id = any(?::uuid[])', [filter.agentIds]);
  if (filter.plugins?.length) query.whereRaw('s.plugin = any(?::text[])', [filter.plugins]);
  if (filter.severities?.length) query.whereRaw('s.severity = any(?::text[])', [filter.severities]);
  if (filter.statuses?.length) query.whereRaw('s.status = any(?::text[])', [filter.statuses]);
  if (filter.security !== undefined) query.where('s.security', filter.security);
  if (filter.label)
    query.whereRaw('s.agent_id in (select id from agents where labels @> jsonb_build_array(?::text))', [
      filter.label,
    ]);
  // The names first (their trigram index, migration 20261203120000), then their rows.
  if (filter.q)
    query.whereRaw(`s.name in (select n.name from package_names n where n.name ilike ? escape '\\')`, [
      containsPattern(filter.q),
    ]);
  return query;
}

export interface Row extends Omit<PackageStateRow, 'dependencies'> {
  id: string;
  hostname: string;
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
  const { dependencies: _omitted, ...state } = stateFromRow(r);
  return { id: String(r.id), hostname: r.hostname, ...state };
}
