import type { Knex } from 'knex';

/**
 * Admin API (issue 5): panel errors keep when they happened in the browser, who reported them
 * and from where (for rate limits after the fact and for the admin reading them); the command
 * history pages newest first on (created_at, id) and gets the index that order needs.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('client_errors', (t) => {
    t.timestamp('occurred_at', { useTz: true });
    t.text('reported_by');
    t.text('remote_address');
  });
  await knex.schema.alterTable('commands', (t) => {
    t.index(['created_at', 'id'], 'commands_created_at_id');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('commands', (t) => {
    t.dropIndex(['created_at', 'id'], 'commands_created_at_id');
  });
  await knex.schema.alterTable('client_errors', (t) => {
    t.dropColumn('remote_address');
    t.dropColumn('reported_by');
    t.dropColumn('occurred_at');
  });
}
