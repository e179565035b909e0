import type { Knex } from 'knex';

/**
 * The schema holding pg_trgm, installing it when it is missing: in `public` when we may
 * create there (the extension exists once per database, and several RedFlag schemas may share
 * one), else in our own schema. Null when the server does not ship it: the search still
 * works, without an index.
 */
export async function trigramSchema(knex: Knex): Promise<string | null> {
  const installed = (await knex.raw(
    `select n.nspname from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_trgm'`,
  )) as { rows: Array<{ nspname: string }> };
  if (installed.rows[0]) return installed.rows[0].nspname;
  const available = (await knex.raw(`select 1 from pg_available_extensions where name = 'pg_trgm'`)) as {
    rows: unknown[];
  };
  if (!available.rows.length) return null;
  const publicOk = (await knex.raw(
    `select exists (select 1 from pg_namespace where nspname = 'public') and has_schema_privilege('public', 'CREATE') as ok`,
  )) as { rows: Array<{ ok: boolean }> };
  const target = publicOk.rows[0]?.ok
    ? 'public'
    : ((await knex.raw('select current_schema() as s')) as { rows: Array<{ s: string }> }).rows[0]!.s;
  await knex.raw(`create extension if not exists pg_trgm with schema "${target}"`);
  return target;
}
