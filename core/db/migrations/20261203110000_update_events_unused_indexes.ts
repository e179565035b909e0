import type { Knex } from 'knex';

/**
 * No query reads update_events by time: the API reads one package's events or one agent's
 * (update_events_by_package), and the daily series comes from update_event_days. The two time
 * indexes of the first migration cost two index inserts for every event a scan writes.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists update_events_agent_id_occurred_at_index');
  await knex.raw('drop index if exists update_events_occurred_at_index');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(
    'create index update_events_agent_id_occurred_at_index on update_events (agent_id, occurred_at)',
  );
  await knex.raw('create index update_events_occurred_at_index on update_events (occurred_at)');
}
