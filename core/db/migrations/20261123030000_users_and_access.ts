import type { Knex } from 'knex';

/**
 * Users and access (issue 5). API tokens made on the command line belong to no user and carry
 * their own role (`redflag apitoken create --role`), so `user_id` becomes optional; a token
 * made by a signed-in user keeps its user, and its role never exceeds the user's.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('api_tokens', (t) => {
    t.setNullable('user_id');
    t.text('role').notNullable().defaultTo('viewer').checkIn(['admin', 'operator', 'viewer']);
    t.text('created_by');
  });
  // Signing a user out everywhere (password change) deletes their sessions by user.
  await knex.schema.alterTable('sessions', (t) => {
    t.index(['user_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sessions', (t) => {
    t.dropIndex(['user_id']);
  });
  await knex('api_tokens').whereNull('user_id').delete();
  await knex.schema.alterTable('api_tokens', (t) => {
    t.dropColumn('created_by');
    t.dropColumn('role');
    t.dropNullable('user_id');
  });
}
