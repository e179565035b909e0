import type { Knex } from 'knex';

/**
 * Which scan batch last reported each package. A complete scan resolves the packages whose
 * mark is not its own: one indexed pass, where "not among the 20,000 reported" would compare
 * every pair.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('package_state', (t) => {
    t.uuid('last_batch_id');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('package_state', (t) => {
    t.dropColumn('last_batch_id');
  });
}
