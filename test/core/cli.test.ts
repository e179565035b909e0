import assert from 'node:assert/strict';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, runRedflag, startRedflag, tempDir } from '../helpers/cli.js';
import { newSchemaName, pgUrl, withPgClient } from '../helpers/databases.js';
import { coreMigrations } from '../../core/db/migrations/index.js';

const MIGRATION_NAMES = coreMigrations.map((m) => m.name);

const IN_CI = process.env.CI === 'true';

async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.json() };
}

describe('redflag (core command line)', function () {
  this.timeout(60000);
  const dir = tempDir();
  after(() => dir.remove());

  describe('serve on the embedded defaults', () => {
    const dataDir = join(dir.path, 'serve-data');
    let port: number;
    let mqttPort: number;
    let core: Awaited<ReturnType<typeof startRedflag>>;

    before(async () => {
      port = await freePort();
      mqttPort = await freePort();
      core = await startRedflag(
        ['--data-dir', dataDir, '--http-port', String(port), '--mqtt-port', String(mqttPort)],
        { cwd: dir.path },
      );
    });
    after(() => core?.child.kill('SIGKILL'));

    it('creates the data directory with mode 0700 and a 0600 management socket', () => {
      assert.equal(statSync(dataDir).mode & 0o777, 0o700);
      assert.equal(statSync(join(dataDir, 'redflag.sock')).mode & 0o777, 0o600);
      assert.ok(existsSync(join(dataDir, 'db')));
    });

    it('answers /healthz and /readyz with the database current', async () => {
      assert.deepEqual(await getJson(`${core.url}/healthz`), { status: 200, body: { status: 'ok' } });
      assert.deepEqual(await getJson(`${core.url}/readyz`), {
        status: 200,
        body: { status: 'ok', database: 'pglite' },
      });
    });

    it('serves the OpenAPI document and its viewer under /api/docs', async () => {
      const spec = await getJson(`${core.url}/api/docs/json`);
      assert.equal(spec.status, 200);
      const paths = Object.keys((spec.body as { paths: Record<string, unknown> }).paths);
      assert.ok(paths.includes('/readyz') && paths.includes('/healthz'), `paths: ${paths}`);
      const ui = await fetch(`${core.url}/api/docs`);
      assert.equal(ui.status, 200);
    });

    it('answers unknown routes with the documented error shape', async () => {
      const res = await getJson(`${core.url}/api/v1/nope`);
      assert.equal(res.status, 404);
      assert.deepEqual(Object.keys((res.body as { error: object }).error).sort(), ['code', 'message']);
    });

    it('runs `redflag migrate` through the running core instead of opening PGlite twice', async () => {
      const res = await runRedflag(['migrate', '--data-dir', dataDir, '--json']);
      assert.equal(res.code, 0, res.stderr);
      assert.deepEqual(JSON.parse(res.stdout), { appliedNow: [], applied: MIGRATION_NAMES, pending: [] });
      const text = await runRedflag(['migrate', '--data-dir', dataDir]);
      assert.match(text.stdout, /up to date through the running core/);
    });

    it('refuses a second core on the same data directory', async () => {
      const res = await runRedflag(['serve', '--data-dir', dataDir, '--http-port', String(await freePort())]);
      assert.equal(res.code, 1);
      assert.match(
        res.stderr,
        /^redflag: another RedFlag core \(pid \d+\) is already running with this data directory/,
      );
    });

    it('stops cleanly on SIGTERM and frees the socket', async () => {
      const started = Date.now();
      core.child.kill('SIGTERM');
      assert.equal(await core.exited, 0);
      assert.ok(Date.now() - started < 10000, 'took longer than the 10 s shutdown limit');
      assert.match(core.output(), /"msg":"stopped"/);
      // A request after shutdown gets no answer.
      await assert.rejects(fetch(`${core.url}/healthz`));
    });

    it('opens the database itself for `redflag migrate` when no core runs', async () => {
      const res = await runRedflag(['migrate', '--data-dir', dataDir]);
      assert.equal(res.code, 0, res.stderr);
      assert.match(
        res.stdout,
        new RegExp(
          `database is up to date in PGlite .*serve-data/db \\(${MIGRATION_NAMES.length} migration\\(s\\) applied\\)`,
        ),
      );
    });

    it('starts again on the same data directory, removing the stale socket', async () => {
      core = await startRedflag([
        '--data-dir',
        dataDir,
        '--http-port',
        String(port),
        '--mqtt-port',
        String(mqttPort),
      ]);
      assert.equal((await getJson(`${core.url}/readyz`)).status, 200);
      core.child.kill('SIGINT');
      assert.equal(await core.exited, 0);
    });
  });

  describe('start-up errors: one clear line and a non-zero exit', () => {
    it('a bad config.yaml value exits 2 naming the key, rule and value', async () => {
      const configPath = join(dir.path, 'config.yaml');
      writeFileSync(configPath, 'http:\n  port: abc\n');
      const res = await runRedflag(['serve', '--config', configPath, '--data-dir', join(dir.path, 'bad')]);
      assert.equal(res.code, 2);
      assert.equal(
        res.stderr,
        'redflag: config.yaml: http.port must be an integer from 1 to 65535, got "abc"\n',
      );
    });

    it('a bad environment override exits 2 naming the variable', async () => {
      const res = await runRedflag(['serve', '--data-dir', join(dir.path, 'bad')], {
        env: { REDFLAG_LOG_LEVEL: 'chatty' },
      });
      assert.equal(res.code, 2);
      assert.match(res.stderr, /^redflag: REDFLAG_LOG_LEVEL: log\.level must be one of .*, got "chatty"\n$/);
    });

    it('a bad flag exits 2', async () => {
      const res = await runRedflag(['serve', '--http-port', 'abc']);
      assert.equal(res.code, 2);
      assert.match(
        res.stderr,
        /--http-port <port>' argument 'abc' is invalid\. must be an integer from 1 to 65535/,
      );
    });

    it('an unreachable database.url exits 1 without showing the password', async () => {
      const port = await freePort(); // nothing listens there
      const res = await runRedflag(['serve', '--data-dir', join(dir.path, 'unreachable')], {
        env: { REDFLAG_DATABASE_URL: `postgres://rf:s3cret@127.0.0.1:${port}/redflag` },
      });
      assert.equal(res.code, 1);
      assert.equal(
        res.stderr,
        `redflag: database postgres://rf:***@127.0.0.1:${port}/redflag is unreachable: connect ECONNREFUSED 127.0.0.1:${port}\n`,
      );
    });
  });

  describe('a failing migration stops start-up and leaves the schema as it was', () => {
    // A table of the same name already exists (a database shared with something else):
    // the core migration fails halfway, after creating the tables before it.
    it('on PGlite', async () => {
      const dataDir = join(dir.path, 'conflict-pglite');
      const { PGlite } = await import('@electric-sql/pglite');
      mkdirSync(dataDir, { recursive: true });
      const pglite = new PGlite(join(dataDir, 'db'));
      await pglite.exec('create table system_events (id text primary key)');
      await pglite.close();

      const res = await runRedflag(['serve', '--data-dir', dataDir, '--http-port', String(await freePort())]);
      assert.equal(res.code, 1);
      assert.equal(
        res.stderr,
        'redflag: migration 20261123000000_core_tables failed: relation "system_events" already exists (SQLSTATE 42P07)\n',
      );
      const after = new PGlite(join(dataDir, 'db'));
      const tables = await after.query<{ table_name: string }>(
        `select table_name from information_schema.tables where table_schema = 'public' order by 1`,
      );
      const applied = await after.query('select name from knex_migrations');
      await after.close();
      assert.deepEqual(
        tables.rows.map((r) => r.table_name),
        ['knex_migrations', 'knex_migrations_lock', 'system_events'],
      );
      assert.equal(applied.rows.length, 0);
    });

    it('on PostgreSQL', async function () {
      const url = pgUrl();
      if (!url) {
        if (IN_CI) assert.fail('CI=true but REDFLAG_TEST_PG_URL is not set');
        this.skip();
      }
      const schema = newSchemaName();
      await withPgClient(async (c) => {
        await c.query(`create schema ${schema}`);
        await c.query(`create table ${schema}.system_events (id text primary key)`);
      });
      const res = await runRedflag(['migrate', '--data-dir', join(dir.path, 'conflict-pg')], {
        env: { REDFLAG_DATABASE_URL: url!, REDFLAG_DATABASE_SCHEMA: schema },
      });
      assert.equal(res.code, 1);
      assert.equal(
        res.stderr,
        'redflag: migration 20261123000000_core_tables failed: relation "system_events" already exists (SQLSTATE 42P07)\n',
      );
      const tables = await withPgClient((c) =>
        c.query<{ table_name: string }>(
          'select table_name from information_schema.tables where table_schema = $1 order by 1',
          [schema],
        ),
      );
      assert.deepEqual(
        tables.rows.map((r) => r.table_name),
        ['knex_migrations', 'knex_migrations_lock', 'system_events'],
      );
      const applied = await withPgClient((c) => c.query(`select name from ${schema}.knex_migrations`));
      assert.equal(applied.rows.length, 0);
    });
  });
});
