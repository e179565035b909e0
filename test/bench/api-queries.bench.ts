// Fleet-read API queries (issue 5): 1,000,000 package_state rows across 2,000 agents on
// PostgreSQL. p95 of GET /api/v1/updates (first page, a deep keyset page, a severity filter, a
// text search) and of GET /api/v1/stats, each through the real route (fastify inject with a
// bearer token: auth, validation, serialisation included), against the bare SELECT of the same
// page through pg measured in the same run. Target: p95 under 50 ms each; a miss prints the
// query plans (EXPLAIN ANALYZE). For a text search the bare SELECT is the plain query, which
// the route no longer sends (core/db/repositories/update-page.ts): there a ratio below 1 is
// what the search strategy saves.
import pg from 'pg';
import { startTestCore } from '../helpers/core.js';
import { createTestToken } from '../core/api/api-client.js';
import { percentile } from './lib.js';

const AGENTS = Number(process.env.BENCH_AGENTS ?? 2000);
const PACKAGES_PER_AGENT = Number(process.env.BENCH_PACKAGES ?? 500);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 100);
const PAGE = 50;
const TARGET_MS = 50;

const cursorOf = (sort: string, order: string, key: Array<string | number>) =>
  Buffer.from(JSON.stringify({ s: sort, o: order, k: key })).toString('base64url');

const ITEM_SQL = `select s.id, s.agent_id, a.hostname, s.plugin, s.name, s.arch, s.current_version, s.available_version,
       s.severity, s.security, s.source, s.reboot_required, s.status, s.metadata, s.first_seen_at, s.last_seen_at,
       s.status_changed_at, s.severity_order as k_severity_order, s.name as k_name, s.id::text as k_id
  from package_state s join agents a on a.id = s.agent_id`;

export async function run(): Promise<void> {
  const url = process.env.REDFLAG_BENCH_PG_URL ?? process.env.REDFLAG_TEST_PG_URL;
  if (!url) {
    console.log('skipped: needs PostgreSQL (REDFLAG_BENCH_PG_URL or REDFLAG_TEST_PG_URL)');
    return;
  }
  const schema = `rf_bench_api_${process.pid}`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`set search_path to "${schema}"`);
  const core = await startTestCore('PostgreSQL', (config) => {
    config.database.url = url;
    config.database.schema = schema;
  });
  try {
    const started = performance.now();
    await core.db.seed.seedFleet({ agents: AGENTS, packagesPerAgent: PACKAGES_PER_AGENT });
    await client.query('analyze');
    const rows = Number((await client.query('select count(*) as n from package_state')).rows[0].n);
    console.log(
      `seeded ${rows.toLocaleString('en')} package states across ${AGENTS} agents in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    const token = (await createTestToken(core, 'viewer')).token;

    // The deep page starts after the row in the middle of the severity order.
    const middle = (
      await client.query(
        `select severity_order, name, id::text as id from package_state order by severity_order, name, id offset $1 limit 1`,
        [Math.floor(rows / 2)],
      )
    ).rows[0] as { severity_order: number; name: string; id: string };
    const deepKey = [middle.severity_order, middle.name, middle.id];

    const scenarios: Array<{ name: string; url: string; reference: { sql: string; params: unknown[] }[] }> = [
      {
        name: 'updates, first page',
        url: `/api/v1/updates?limit=${PAGE}`,
        reference: [
          { sql: `${ITEM_SQL} order by s.severity_order, s.name, s.id limit ${PAGE + 1}`, params: [] },
        ],
      },
      {
        name: `updates, deep page (after row ${Math.floor(rows / 2).toLocaleString('en')})`,
        url: `/api/v1/updates?limit=${PAGE}&cursor=${cursorOf('severity', 'desc', deepKey)}`,
        reference: [
          {
            sql: `${ITEM_SQL} where (s.severity_order, s.name, s.id) > ($1::int, $2::text, $3::bigint)
                  order by s.severity_order, s.name, s.id limit ${PAGE + 1}`,
            params: deepKey,
          },
        ],
      },
      {
        name: 'updates, severity=critical,high',
        url: `/api/v1/updates?limit=${PAGE}&severity=critical,high`,
        reference: [
          {
            sql: `${ITEM_SQL} where s.severity = any($1::text[]) order by s.severity_order, s.name, s.id limit ${PAGE + 1}`,
            params: [['critical', 'high']],
          },
        ],
      },
      {
        name: 'updates, q=pkg123 (text search)',
        url: `/api/v1/updates?limit=${PAGE}&q=pkg123`,
        reference: [
          {
            sql: `${ITEM_SQL} where s.name in (select n.name from package_names n where n.name ilike $1 escape '\\') order by s.severity_order, s.name, s.id limit ${PAGE + 1}`,
            params: ['%pkg123%'],
          },
        ],
      },
      {
        name: 'updates, q=pkg (every name has it)',
        url: `/api/v1/updates?limit=${PAGE}&q=pkg`,
        reference: [
          {
            sql: `${ITEM_SQL} where s.name in (select n.name from package_names n where n.name ilike $1 escape '\\') order by s.severity_order, s.name, s.id limit ${PAGE + 1}`,
            params: ['%pkg%'],
          },
        ],
      },
      {
        name: 'stats',
        url: '/api/v1/stats',
        reference: [
          {
            sql: `select status, severity, plugin, security, sum(n)::bigint as n from package_counts
                   group by status, severity, plugin, security having sum(n) <> 0`,
            params: [],
          },
          {
            sql: `select count(*) filter (where status = 'active')::int as total,
                         count(*) filter (where status = 'active' and online)::int as online from agents`,
            params: [],
          },
          {
            sql: `select count(*)::int as n from commands where status in ('failed', 'timed_out', 'rejected')
                    and coalesce(failed_at, timed_out_at, rejected_at) > now() - interval '24 hours'`,
            params: [],
          },
          {
            sql: `select to_char(day, 'YYYY-MM-DD') as day, kind, sum(n)::bigint as n from update_event_days
                   where day > current_date - 30 group by day, kind`,
            params: [],
          },
        ],
      },
    ];

    console.log(`${SAMPLES} samples each; target p95 < ${TARGET_MS} ms`);
    console.log(
      'scenario                                        route p50   route p95   bare SQL p95   ratio',
    );
    for (const s of scenarios) {
      const first = await core.http.inject({ url: s.url, headers: { authorization: `Bearer ${token}` } });
      if (first.statusCode !== 200) throw new Error(`${s.url} answered ${first.statusCode}: ${first.body}`);
      const route: number[] = [];
      const bare: number[] = [];
      for (let i = 0; i < SAMPLES; i++) {
        // Interleaved, so both see the same load on a shared machine.
        let t = performance.now();
        await core.http.inject({ url: s.url, headers: { authorization: `Bearer ${token}` } });
        route.push(performance.now() - t);
        t = performance.now();
        for (const q of s.reference) await client.query(q.sql, q.params);
        bare.push(performance.now() - t);
      }
      const p95 = percentile(route, 95);
      const ref = percentile(bare, 95);
      console.log(
        `${s.name.padEnd(46)} ${percentile(route, 50).toFixed(1).padStart(7)} ms ${p95.toFixed(1).padStart(8)} ms ${ref
          .toFixed(1)
          .padStart(11)} ms ${(p95 / ref).toFixed(1).padStart(6)}x ${p95 < TARGET_MS ? 'ok' : 'MISSED'}`,
      );
      if (p95 >= TARGET_MS)
        for (const q of s.reference) {
          const plan = await client.query(`explain (analyze, buffers) ${q.sql}`, q.params);
          console.log(
            `  plan:\n${plan.rows.map((r: Record<string, string>) => `    ${r['QUERY PLAN']}`).join('\n')}`,
          );
        }
    }
  } finally {
    await core.close();
    await client.query(`drop schema if exists "${schema}" cascade`);
    await client.end();
  }
}
