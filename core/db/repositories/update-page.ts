import type { Knex } from 'knex';
import {
  applyAfter,
  applyUpdateFilter,
  containsPattern,
  directionOf,
  keyOfRow,
  LIST_COLUMNS,
  listItemFromRow,
  pageColumns,
  type Row,
  SORTS,
  type UpdatePage,
  type UpdatePageRequest,
} from './update-list-sql.js';

/**
 * How much a text search reads before it changes strategy (see searchPage). Each bound is a few
 * milliseconds of work on a small server; tests shrink them to reach every strategy with a
 * small fleet.
 */
export interface SearchBounds {
  /** Rows read in the sort's index order, looking for a page of a term most names contain. */
  walkRows: number;
  /** Matches collected and sorted before the term counts as common. */
  fewMatches: number;
}

export const SEARCH_BOUNDS: SearchBounds = { walkRows: 2_000, fewMatches: 10_000 };

/** One page in the requested order, after the cursor key. */
export function listPage(knex: Knex, req: UpdatePageRequest, bounds = SEARCH_BOUNDS): Promise<UpdatePage> {
  return req.filter.q ? searchPage(knex, req, bounds) : indexOrderPage(knex, req);
}

/**
 * Free text (`name ilike '%q%'`) is where the planner goes wrong: it cannot know how many
 * names contain the text, and when it guesses "many" it reads the sort's index until it has a
 * page, which for a rare term is most of the table (1,000,000 package states: 202,000 rows read
 * for 51, 160 ms). So each step below reads a bounded amount and the data decides:
 * 1. the first `walkRows` rows in index order: a page at once for a term most names contain;
 * 2. up to `fewMatches` matches in any order (the trigram index of package_names finds the
 *    names, package_state_by_name their rows), sorted here: a rare term's page, whatever the
 *    planner guessed;
 * 3. otherwise the term is common, and the sort's index finds its page.
 * Every step answers exactly the rows the plain query would, so pages and cursors are the same
 * whichever step answered.
 */
async function searchPage(knex: Knex, req: UpdatePageRequest, bounds: SearchBounds): Promise<UpdatePage> {
  return (
    (await walkInOrder(knex, req, bounds.walkRows)) ??
    (await sortedMatches(knex, req, bounds.fewMatches)) ??
    indexOrderPage(knex, req)
  );
}

/** The page as the sort's index reads it. */
async function indexOrderPage(knex: Knex, req: UpdatePageRequest): Promise<UpdatePage> {
  const query = knex({ s: 'package_state' })
    .join({ a: 'agents' }, 'a.id', 's.agent_id')
    .select(pageColumns(knex, SORTS[req.sort]))
    .limit(req.limit + 1);
  applyAfter(applyUpdateFilter(query, req.filter), req);
  orderBy(query, req, (c) => c);
  return pageOf(req, (await query) as Row[]);
}

/** The package_state columns a page shows or filters on, as the walk carries them. */
const WALK_COLUMNS = [...LIST_COLUMNS.filter((c) => c.startsWith('s.')), 's.severity_order'];

/**
 * The matches among the first `rows` rows after the cursor in index order, or null when they
 * do not fill a page. The filter is applied above the limited, ordered read, so the read stops
 * as soon as a page is found and never goes past `rows`; agents are joined to the page only.
 */
async function walkInOrder(knex: Knex, req: UpdatePageRequest, rows: number): Promise<UpdatePage | null> {
  const host = req.sort === 'host';
  const walk = knex({ s: 'package_state' })
    .select(host ? [...WALK_COLUMNS, 'a.hostname'] : WALK_COLUMNS)
    .limit(rows);
  if (host) walk.join({ a: 'agents' }, 'a.id', 's.agent_id');
  applyAfter(walk, req);
  orderBy(walk, req, (c) => c);
  // Inside the walk the host name is a column of `s`.
  const matching = knex
    .select('*')
    .from(walk.as('s'))
    .limit(req.limit + 1);
  applyUpdateFilter(matching, req.filter);
  orderBy(matching, req, (c) => c.replace(/^a\./, 's.'));
  const query = knex
    .select(pageColumns(knex, SORTS[req.sort]))
    .from(matching.as('s'))
    .join({ a: 'agents' }, 'a.id', 's.agent_id');
  orderBy(query, req, (c) => c);
  const found = (await query) as Row[];
  return found.length > req.limit ? pageOf(req, found) : null;
}

/**
 * Every match after the cursor, sorted here, or null when there are more than `atMost`. The
 * rows are read name by name, from the names that match (package_names' trigram index): the
 * `offset 0` keeps that lookup per name, so the read is as small as the matches however many
 * the planner expects. The sort keys come out of a materialized CTE, so no index order can
 * tempt the planner to walk.
 */
async function sortedMatches(knex: Knex, req: UpdatePageRequest, atMost: number): Promise<UpdatePage | null> {
  const sort = SORTS[req.sort];
  const matches = knex
    .select([knex.raw('s.id as m_id'), ...sort.columns.map((c, i) => knex.raw(`${c} as o${i}`))])
    .from({ n: 'package_names' })
    .joinRaw('cross join lateral (select * from package_state s where s.name = n.name offset 0) s')
    .whereRaw(`n.name ilike ? escape '\\'`, [containsPattern(req.filter.q!)])
    .limit(atMost + 1);
  if (req.sort === 'host') matches.join({ a: 'agents' }, 'a.id', 's.agent_id');
  applyAfter(applyUpdateFilter(matches, { ...req.filter, q: undefined }), req);
  const first = knex
    .select('*')
    .from('m')
    .limit(req.limit + 1);
  orderBy(first, req, (_c, i) => `o${i}`);
  const query = knex
    .withMaterialized('m', matches)
    .with('t', first)
    .select([...pageColumns(knex, sort), knex.raw('(select count(*) from m)::int as matched')])
    .from('t')
    .join({ s: 'package_state' }, 's.id', 't.m_id')
    .join({ a: 'agents' }, 'a.id', 's.agent_id');
  orderBy(query, req, (_c, i) => `t.o${i}`);
  const rows = (await query) as Array<Row & { matched: number }>;
  if (rows.length > 0 && rows[0]!.matched > atMost) return null;
  return pageOf(req, rows);
}

function orderBy(query: Knex.QueryBuilder, req: UpdatePageRequest, column: (c: string, i: number) => string) {
  const dir = directionOf(req);
  SORTS[req.sort].columns.forEach((c, i) => query.orderByRaw(`${column(c, i)} ${dir}`));
}

function pageOf(req: UpdatePageRequest, rows: Row[]): UpdatePage {
  const more = rows.length > req.limit;
  const page = more ? rows.slice(0, req.limit) : rows;
  const last = page.at(-1);
  return {
    items: page.map(listItemFromRow),
    next: more && last ? keyOfRow(SORTS[req.sort], last) : null,
  };
}
