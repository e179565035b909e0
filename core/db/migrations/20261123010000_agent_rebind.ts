import type { Knex } from 'knex';

/**
 * An admin may allow a known machine to enrol again (reinstalled OS, restored backup) and keep
 * its agent id and history: the next registration with that machine-id hash rebinds instead of
 * being refused as a clone (issue 3, enrollment). Agent-reported events carry their message id.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('agents', (t) => {
    t.timestamp('rebind_allowed_until', { useTz: true });
    t.timestamp('revoked_at', { useTz: true });
    t.jsonb('mac_addresses').notNullable().defaultTo('[]');
    t.jsonb('capabilities').notNullable().defaultTo('[]');
    t.uuid('registration_token_id').references('registration_tokens.id').onDelete('SET NULL');
  });
  // An agent re-sends an event when the receipt was lost; the second copy must not be stored twice.
  await knex.schema.alterTable('system_events', (t) => {
    t.uuid('message_id');
  });
  await knex.raw(
    'create unique index system_events_agent_message on system_events (agent_id, message_id) where message_id is not null',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('system_events', (t) => {
    t.dropIndex([], 'system_events_agent_message');
    t.dropColumn('message_id');
  });
  await knex.schema.alterTable('agents', (t) => {
    t.dropColumn('registration_token_id');
    t.dropColumn('capabilities');
    t.dropColumn('mac_addresses');
    t.dropColumn('revoked_at');
    t.dropColumn('rebind_allowed_until');
  });
}
