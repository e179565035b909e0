import type { Knex } from 'knex';
import { trigramSchema } from './trigram-schema.js';

/**
 * The name search's trigram index moves from package_state to package_names, one row per
 * distinct package name. A fleet shares its names (200 hosts, a few thousand names), so a scan
 * of a new host adds almost none, where every new package_state row cost a GIN entry per
 * trigram of its name (issue 4 bench: about a sixth of a first scan). The search reads the
 * matching names here and their rows through package_state_by_name. The scan ingest adds
 * names in the transaction that stores their packages, so a search never misses a package.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create table package_names (name text primary key)');
  await knex.raw('insert into package_names (name) select distinct name from package_state');
  const trgmSchema = await trigramSchema(knex);
  if (trgmSchema)
    await knex.raw(
      `create index package_names_trgm on package_names using gin (name "${trgmSchema}".gin_trgm_ops)`,
    );
  await knex.raw('drop index if exists package_state_name_trgm');
}

export async function down(knex: Knex): Promise<void> {
  const trgmSchema = await trigramSchema(knex);
  if (trgmSchema)
    await knex.raw(
      `create index package_state_name_trgm on package_state using gin (name "${trgmSchema}".gin_trgm_ops)`,
    );
  await knex.raw('drop table if exists package_names');
}
