import type { Knex } from 'knex';
import type { Connection } from './connect.js';
import { coreMigrations, type Migration } from './migrations/index.js';

export interface MigrationStatus {
  applied: string[];
  pending: string[];
}

/** A migration failed; its transaction was rolled back and it is not recorded as applied. */
export class MigrationError extends Error {
  override name = 'MigrationError';
  constructor(
    readonly migration: string | null,
    readonly sqlError: string,
  ) {
    super(`migration ${migration ?? '(unknown)'} failed: ${sqlError}`);
  }
}

/** Serves the static list, and remembers which migration ran last so a failure can name it. */
class ListMigrationSource implements Knex.MigrationSource<Migration> {
  lastStarted: string | null = null;
  constructor(private readonly migrations: Migration[]) {}
  async getMigrations() {
    return this.migrations;
  }
  getMigrationName(migration: Migration) {
    return migration.name;
  }
  async getMigration(migration: Migration) {
    return {
      up: async (knex: Knex) => {
        this.lastStarted = migration.name;
        await migration.up(knex);
      },
      down: async (knex: Knex) => {
        this.lastStarted = migration.name;
        await migration.down(knex);
      },
    };
  }
}

function migratorConfig(conn: Connection, source: ListMigrationSource): Knex.MigratorConfig {
  return {
    migrationSource: source,
    tableName: 'knex_migrations',
    schemaName: conn.schema,
    // With transactions on, knex runs the whole pending batch in one transaction under its
    // lock table: a failure anywhere leaves the schema as it was before the run.
    disableTransactions: false,
  };
}

async function ensureSchema(conn: Connection) {
  if (conn.schema !== 'public') await conn.knex.raw('create schema if not exists ??', [conn.schema]);
}

/** Runs pending migrations; returns the names applied by this call. */
export async function migrateLatest(
  conn: Connection,
  migrations: Migration[] = coreMigrations,
): Promise<string[]> {
  await ensureSchema(conn);
  const source = new ListMigrationSource(migrations);
  try {
    // Without the query time limit: a schema change of a large table may take longer.
    const [, log] = (await conn.unbounded((knex) => knex.migrate.latest(migratorConfig(conn, source)))) as [
      number,
      string[],
    ];
    return log;
  } catch (err) {
    throw new MigrationError(source.lastStarted, sqlErrorText(err));
  }
}

export async function migrationStatus(
  conn: Connection,
  migrations: Migration[] = coreMigrations,
): Promise<MigrationStatus> {
  await ensureSchema(conn);
  const source = new ListMigrationSource(migrations);
  const [completed, pending] = (await conn.knex.migrate.list(migratorConfig(conn, source))) as [
    Array<{ name: string }>,
    Migration[],
  ];
  return { applied: completed.map((m) => m.name), pending: pending.map((m) => m.name) };
}

/** knex prefixes the statement to the driver's message; keep the driver's words and code. */
export function sqlErrorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const pgErr = err as Error & { code?: string };
  const message = err.message.includes(' - ')
    ? err.message.slice(err.message.lastIndexOf(' - ') + 3)
    : err.message;
  return pgErr.code ? `${message} (SQLSTATE ${pgErr.code})` : message;
}
