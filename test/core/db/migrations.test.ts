import assert from 'node:assert/strict';
import { type Migration, MigrationError } from '../../../core/db/index.js';
import { coreMigrations } from '../../../core/db/migrations/index.js';
import { describeEachDatabase } from '../../helpers/databases.js';

/** The tables DESIGN.md §5 names; the core migration must create each of them. */
const CORE_TABLES = [
  'agents',
  'api_tokens',
  'client_errors',
  'commands',
  'maintenance_windows',
  'package_history',
  'package_state',
  'policies',
  'registration_token_uses',
  'registration_tokens',
  'scan_batches',
  'schedules',
  'sessions',
  'settings',
  'system_events',
  'update_events',
  'users',
];

/**
 * Creates a table, then runs SQL that cannot succeed: if the migrator did not roll the
 * whole migration back, the table would survive.
 */
const failingMigration: Migration = {
  name: '29991231000000_broken',
  async up(knex) {
    await knex.schema.createTable('half_done', (t) => t.increments('id'));
    await knex.raw('alter table agents add column broken integer references no_such_table(id)');
  },
  async down() {},
};

describeEachDatabase('core/db migrations', (target) => {
  it('create every core table on an empty database and record them as applied', async () => {
    const db = await target.open();
    assert.deepEqual(
      await db.migrate(),
      coreMigrations.map((m) => m.name),
    );
    const tables = await db.tables();
    for (const table of CORE_TABLES) assert.ok(tables.includes(table), `missing table ${table}`);
    assert.deepEqual(await db.migrationStatus(), { applied: coreMigrations.map((m) => m.name), pending: [] });
  });

  it('apply nothing the second time', async () => {
    const db = await target.open();
    await db.migrate();
    assert.deepEqual(await db.migrate(), []);
  });

  it('roll back a failing migration completely and never record it as applied', async () => {
    const options = target.freshOptions({ reopenable: true });
    const current = await target.open(undefined, options);
    await current.migrate();
    const before = await current.schemaSnapshot();
    await current.close();

    // The next release adds a migration that breaks halfway through.
    const upgraded = await target.open([...coreMigrations, failingMigration], options);
    const err = await upgraded.migrate().then(
      () => assert.fail('the broken migration succeeded'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof MigrationError);
    assert.equal(err.migration, '29991231000000_broken');
    assert.match(
      err.message,
      /^migration 29991231000000_broken failed: relation "no_such_table" does not exist/,
    );
    assert.deepEqual(await upgraded.schemaSnapshot(), before, 'schema changed by a failed migration');
    assert.deepEqual((await upgraded.migrationStatus()).pending, ['29991231000000_broken']);
  });

  it('apply all or nothing: a failure in a batch undoes the migrations before it in that batch', async () => {
    const db = await target.open([...coreMigrations, failingMigration]);
    const before = await db.schemaSnapshot();
    assert.deepEqual(before, []);
    await assert.rejects(db.migrate(), MigrationError);
    assert.deepEqual(await db.schemaSnapshot(), before);
    assert.deepEqual(await db.migrationStatus(), {
      applied: [],
      pending: [...coreMigrations.map((m) => m.name), '29991231000000_broken'],
    });
  });
});
