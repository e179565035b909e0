import type { Knex } from 'knex';

/**
 * A copied agent identity is refused at connect until an admin rebinds it (issue 21 §5,
 * DESIGN.md §6). `identity_conflict` says why the agent is refused (the hello's machine id
 * differed from the registered one, or two connections kept taking over each other's session);
 * `rebind_next_hello` is set by a rebind without a named machine: the next hello that carries a
 * machine id binds the agent to it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('agents', (t) => {
    t.jsonb('identity_conflict');
    t.boolean('rebind_next_hello').notNullable().defaultTo(false);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('agents', (t) => {
    t.dropColumn('rebind_next_hello');
    t.dropColumn('identity_conflict');
  });
}
