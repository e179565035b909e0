import type { Knex } from 'knex';

/**
 * Every scan rewrites each reported package_state row (new available version, last seen,
 * batch id), and the fleet-read indexes made those updates touch seven indexes per row (issue 4
 * bench: 5,000-package scan 115 ms → 350 ms). Free room on each page lets PostgreSQL do them as
 * HOT updates, which touch no index at all when no indexed column changes: the common case.
 * New pages use it at once; existing ones as they are rewritten (docs/operations.md).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table package_state set (fillfactor = 50)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table package_state reset (fillfactor)');
}
