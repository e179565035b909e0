import type { Knex } from 'knex';

/**
 * The output lines of each command, as the agent's `progress` messages numbered them (issue 5
 * §2 "detail with streamed output"). The agent's `seq` is the key, so a re-delivered line is
 * stored once; the core stores at most `commands.outputMaxLines` lines and
 * `commands.outputMaxKiB` of text per command.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('command_output', (t) => {
    t.uuid('command_id').notNullable().references('commands.id').onDelete('CASCADE');
    t.integer('seq').notNullable();
    t.text('stream').notNullable();
    t.text('line').notNullable();
    t.float('percent');
    t.timestamp('agent_ts', { useTz: true }).notNullable();
    t.timestamp('received_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['command_id', 'seq']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('command_output');
}
