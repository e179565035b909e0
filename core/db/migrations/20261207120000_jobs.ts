import type { Knex } from 'knex';

/**
 * One row per periodic job of the job runner (issue 22 §3): when it last started, so that cores
 * sharing one database run it once per interval between them, and how its last run ended.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('jobs', (t) => {
    t.text('name').primary();
    t.timestamp('last_started_at', { useTz: true });
    t.timestamp('last_finished_at', { useTz: true });
    t.text('last_error');
    t.bigInteger('runs').notNullable().defaultTo(0);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('jobs');
}
