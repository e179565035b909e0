import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildApiServer } from '../../../core/api/index.js';
import type { Database, Migration } from '../../../core/db/index.js';
import { coreMigrations } from '../../../core/db/migrations/index.js';
import { createEventRecorder } from '../../../core/events/index.js';
import { ServerKeyring } from '../../../core/fleet/index.js';
import { createLogger } from '../../../core/log/index.js';
import { tempDir } from '../../helpers/cli.js';
import { describeEachDatabase } from '../../helpers/databases.js';

const laterMigration: Migration = {
  name: '29990101000000_later',
  async up(knex) {
    await knex.schema.createTable('later', (t) => t.increments('id'));
  },
  async down(knex) {
    await knex.schema.dropTable('later');
  },
};

describeEachDatabase('GET /readyz', (target) => {
  let db: Database;
  let app: FastifyInstance;

  const dir = tempDir();

  before(async () => {
    db = await target.open([...coreMigrations, laterMigration]);
    const logger = createLogger('silent');
    app = await buildApiServer({
      db,
      logger,
      version: 'test',
      fleet: {
        db,
        keys: ServerKeyring.open(dir.path),
        events: createEventRecorder({ db, logger, perMinute: 10 }),
        topicPrefix: 'rf',
        brokerUrlFor: () => 'mqtt://127.0.0.1:1884',
      },
    });
  });
  after(async () => {
    await app.close();
    dir.remove();
  });

  it('answers 503 naming the pending migrations before they run', async () => {
    const res = await app.inject('/readyz');
    assert.equal(res.statusCode, 503);
    assert.deepEqual(res.json(), {
      status: 'unavailable',
      reason: `${coreMigrations.length + 1} migration(s) pending`,
      database: target.name === 'PGlite' ? 'pglite' : 'postgres',
      pendingMigrations: [...coreMigrations.map((m) => m.name), '29990101000000_later'],
    });
  });

  it('answers 200 once they have run, while /healthz answers throughout', async () => {
    assert.equal((await app.inject('/healthz')).statusCode, 200);
    await db.migrate();
    assert.equal((await app.inject('/readyz')).statusCode, 200);
  });

  it('answers 503 when the database is gone', async () => {
    await db.close();
    const res = await app.inject('/readyz');
    assert.equal(res.statusCode, 503);
    assert.match(res.json().reason, /^database unreachable: /);
    assert.equal((await app.inject('/healthz')).statusCode, 200);
  });
});
