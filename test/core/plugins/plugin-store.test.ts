import assert from 'node:assert/strict';
import { type Database, MigrationError } from '../../../core/db/index.js';
import { describeEachDatabase } from '../../helpers/databases.js';

/** Issue 22 §4: a plugin's own tables, through its own migrations, named with its prefix. */
describeEachDatabase('plugin tables and migrations', (target) => {
  let db: Database;
  beforeEach(async () => {
    db = await target.open();
    await db.migrate();
  });

  it('runs pending migrations once, in its own migrations table, and queries its tables', async () => {
    const store = db.plugin('notify-demo');
    assert.equal(store.database.tablePrefix, 'notify_demo_');
    const migrations = [
      {
        name: '001_sent',
        up: async (q: typeof store.database) => {
          await q.query('create table notify_demo_sent (id serial primary key, message text not null)');
        },
      },
    ];
    assert.deepEqual(await store.migrate(migrations), ['001_sent']);
    assert.deepEqual(await store.migrate(migrations), []);
    await store.database.query('insert into notify_demo_sent (message) values (?)', ['hello']);
    assert.deepEqual(await store.database.query('select message from notify_demo_sent'), [
      { message: 'hello' },
    ]);
    const tables = await db.tables();
    assert.ok(tables.includes('knex_migrations_notify_demo'), tables.join());
  });

  it('refuses a migration that creates a table without its prefix, and leaves the schema as it was', async () => {
    const before = await db.schemaSnapshot();
    await assert.rejects(
      db.plugin('demo').migrate([
        {
          name: '001_ok',
          up: async (q) => {
            await q.query('create table demo_items (id int)');
          },
        },
        {
          name: '002_stray',
          up: async (q) => {
            await q.query('create table stray_items (id int)');
          },
        },
      ]),
      (err: unknown) =>
        err instanceof MigrationError &&
        err.migration === '002_stray' &&
        /only tables named demo_/.test(err.message) &&
        /stray_items/.test(err.message),
    );
    assert.deepEqual(await db.schemaSnapshot(), before);
  });

  it('refuses a migration that changes a core table, even by one column or index', async () => {
    for (const sql of [
      'alter table agents add column demo_flag boolean',
      'create index demo_agents_hostname on agents (hostname)',
    ])
      await assert.rejects(
        db.plugin('demo').migrate([{ name: '001', up: async (q) => void (await q.query(sql)) }]),
        /only tables named demo_/,
      );
    assert.ok(!(await db.schemaSnapshot()).some((line) => line.includes('demo')));
  });

  it('rolls a transaction back when its work throws', async () => {
    const store = db.plugin('demo');
    await store.migrate([
      { name: '001', up: async (q) => void (await q.query('create table demo_t (v int)')) },
    ]);
    await assert.rejects(
      store.database.transaction(async (tx) => {
        await tx.query('insert into demo_t values (1)');
        throw new Error('changed my mind');
      }),
      /changed my mind/,
    );
    assert.deepEqual(await store.database.query('select * from demo_t'), []);
  });
});
