import type { Knex } from 'knex';

/**
 * Every container of every host with its image's check (issue 24 §5), as the docker plugin's
 * last scan reported it: `containers` one row per container, replaced as a set by each scan
 * that carries an inventory; `container_inventories` when each host's inventory was taken, so a
 * re-delivered older scan cannot replace a newer inventory.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('container_inventories', (t) => {
    t.uuid('agent_id').primary().references('agents.id').onDelete('CASCADE');
    t.timestamp('scanned_at', { useTz: true }).notNullable();
    t.uuid('batch_id').notNullable();
  });
  await knex.schema.createTable('containers', (t) => {
    t.uuid('agent_id').notNullable().references('agents.id').onDelete('CASCADE');
    t.text('container_id').notNullable();
    t.text('name').notNullable();
    t.text('reference').notNullable();
    t.text('image').notNullable();
    t.text('tag');
    t.text('image_id');
    t.jsonb('local_digests').notNullable().defaultTo('[]');
    t.text('remote_digest');
    t.text('check_status').notNullable();
    t.text('check_reason');
    t.text('state').notNullable();
    t.text('health');
    t.text('compose_project');
    t.text('compose_service');
    t.text('platform');
    t.timestamp('first_seen_at', { useTz: true }).notNullable();
    t.timestamp('changed_at', { useTz: true }).notNullable();
    t.primary(['agent_id', 'container_id']);
  });
  // The words of CONTAINER_CHECK_STATUSES when this migration was written; a migration never changes.
  await knex.raw(
    `alter table containers add constraint containers_check_status
       check (check_status in ('up_to_date', 'update_available', 'not_checkable', 'check_failed'))`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('containers');
  await knex.schema.dropTableIfExists('container_inventories');
}
