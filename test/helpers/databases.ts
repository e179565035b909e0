import { randomBytes } from 'node:crypto';
import pg from 'pg';
import {
  type Database,
  type Migration,
  type OpenDatabaseOptions,
  openDatabase,
} from '../../core/db/index.js';
import { tempDir } from './cli.js';

export type DatabaseOptions = Omit<OpenDatabaseOptions, 'migrations'>;

export interface DatabaseTarget {
  name: 'PGlite' | 'PostgreSQL';
  /**
   * Options of a new, empty database: PGlite in memory (or in a temporary directory when it
   * must be opened again), or a new PostgreSQL schema.
   */
  freshOptions(opts?: { reopenable?: boolean }): DatabaseOptions;
  /** Opens a new empty database, or the one `options` names. Closed after the run. */
  open(migrations?: Migration[], options?: DatabaseOptions): Promise<Database>;
}

const PG_URL = process.env.REDFLAG_TEST_PG_URL;
const IN_CI = process.env.CI === 'true';

/** Every schema a test created, dropped after the run. */
const createdSchemas: string[] = [];
const openedDatabases: Database[] = [];

export function pgUrl(): string | undefined {
  return PG_URL;
}

/** Raw SQL against the test PostgreSQL (setting up conflicts, inspecting schemas). */
export async function withPgClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export function newSchemaName(): string {
  const name = `rf_test_${randomBytes(6).toString('hex')}`;
  createdSchemas.push(name);
  return name;
}

const tempDirs: Array<{ remove(): void }> = [];

async function openTracked(options: DatabaseOptions, migrations?: Migration[]): Promise<Database> {
  const db = await openDatabase({ ...options, migrations });
  openedDatabases.push(db);
  return db;
}

const pglite: DatabaseTarget = {
  name: 'PGlite',
  freshOptions(opts) {
    let pgliteDir = 'memory://';
    if (opts?.reopenable) {
      const dir = tempDir('redflag-pglite-');
      tempDirs.push(dir);
      pgliteDir = dir.path;
    }
    return {
      url: null,
      pgliteDir,
      schema: 'public',
      poolMax: 1,
      connectTimeoutMs: 10000,
      queryTimeoutMs: 15000,
    };
  },
  open(migrations, options) {
    return openTracked(options ?? this.freshOptions(), migrations);
  },
};

const postgres: DatabaseTarget = {
  name: 'PostgreSQL',
  freshOptions: () => ({
    url: PG_URL ?? null,
    pgliteDir: '',
    schema: newSchemaName(),
    poolMax: 5,
    connectTimeoutMs: 10000,
    queryTimeoutMs: 15000,
  }),
  open(migrations, options) {
    return openTracked(options ?? this.freshOptions(), migrations);
  },
};

/**
 * Runs a suite on PGlite and on PostgreSQL (REDFLAG_TEST_PG_URL). Without the URL the
 * PostgreSQL run is skipped on a developer machine and fails in CI, where it must exist.
 */
export function describeEachDatabase(title: string, body: (target: DatabaseTarget) => void) {
  describe(`${title} [PGlite]`, () => body(pglite));
  if (PG_URL) describe(`${title} [PostgreSQL]`, () => body(postgres));
  else if (IN_CI)
    describe(`${title} [PostgreSQL]`, () => {
      it('needs PostgreSQL', () => {
        throw new Error('CI=true but REDFLAG_TEST_PG_URL is not set: PostgreSQL tests cannot run');
      });
    });
  else
    describe(`${title} [PostgreSQL]`, () => {
      it('skipped: set REDFLAG_TEST_PG_URL to run on PostgreSQL (CI always does)', function () {
        this.skip();
      });
    });
}

/**
 * A suite that needs PostgreSQL itself (several cores on one database): skipped on a developer
 * machine without REDFLAG_TEST_PG_URL, failed in CI, like the PostgreSQL half of describeEachDatabase.
 */
export function describePostgres(title: string, body: (target: DatabaseTarget) => void) {
  if (PG_URL) describe(`${title} [PostgreSQL]`, () => body(postgres));
  else
    describe(`${title} [PostgreSQL]`, () => {
      it(
        IN_CI ? 'needs PostgreSQL' : 'skipped: set REDFLAG_TEST_PG_URL to run on PostgreSQL (CI always does)',
        function () {
          if (IN_CI)
            throw new Error('CI=true but REDFLAG_TEST_PG_URL is not set: PostgreSQL tests cannot run');
          this.skip();
        },
      );
    });
}

// Registered only under mocha (benchmarks import these helpers too).
if (typeof after === 'function')
  after(async () => {
    await Promise.all(openedDatabases.map((db) => db.close().catch(() => {})));
    for (const dir of tempDirs) dir.remove();
    if (PG_URL && createdSchemas.length) {
      await withPgClient(async (client) => {
        for (const schema of createdSchemas) await client.query(`drop schema if exists "${schema}" cascade`);
      });
    }
  });
