import type { Knex } from 'knex';
import type { PluginDatabase, PluginMigration, Row } from '../../plugins/sdk/index.js';
import type { Connection } from './connect.js';
import { MigrationError, sqlErrorText } from './migrate.js';

export interface PluginStore {
  /** What the plugin's context hands it: SQL on its own tables. */
  database: PluginDatabase;
  /**
   * Runs the plugin's pending migrations with knex's migrator (issue 22 §4), all in one
   * transaction, recorded in `knex_migrations_<prefix>`; returns the names applied. A migration
   * that touches a table not named with the plugin's prefix is refused and rolled back.
   */
  migrate(migrations: readonly PluginMigration[]): Promise<string[]>;
}

/** `notify-ntfy` → `notify_ntfy_`: dashes are not allowed in unquoted SQL names. */
export function tablePrefixFor(plugin: string): string {
  return `${plugin.replace(/-/g, '_')}_`;
}

function pluginDatabase(knex: Knex, tablePrefix: string): PluginDatabase {
  return {
    tablePrefix,
    async query<T extends Row = Row>(sql: string, bindings: readonly unknown[] = []) {
      const result = (await knex.raw(sql, bindings as Knex.RawBinding[])) as { rows?: T[] };
      return result.rows ?? [];
    },
    transaction: (work) => knex.transaction((trx) => work(pluginDatabase(trx, tablePrefix))),
  };
}

/** Every column and index outside the plugin's own tables: what its migration must leave alone. */
async function othersSnapshot(knex: Knex, schema: string, prefix: string): Promise<string[]> {
  const like = `${prefix.replace(/_/g, '\\_')}%`;
  const columns = (await knex('information_schema.columns')
    .where({ table_schema: schema })
    .whereNot('table_name', 'like', like)
    .whereNot('table_name', 'like', 'knex\\_migrations%')
    .select('table_name', 'column_name', 'data_type', 'is_nullable', 'column_default')) as Array<
    Record<string, string | null>
  >;
  const indexes = (await knex('pg_indexes')
    .where({ schemaname: schema })
    .whereNot('tablename', 'like', like)
    .whereNot('tablename', 'like', 'knex\\_migrations%')
    .select('indexdef')) as Array<{ indexdef: string }>;
  return [
    ...columns.map(
      (c) =>
        `${c.table_name}.${c.column_name} ${c.data_type} null=${c.is_nullable} default=${c.column_default}`,
    ),
    ...indexes.map((i) => i.indexdef),
  ].sort();
}

class PluginMigrationSource implements Knex.MigrationSource<PluginMigration> {
  lastStarted: string | null = null;
  constructor(
    private readonly migrations: readonly PluginMigration[],
    private readonly schema: string,
    private readonly prefix: string,
  ) {}
  async getMigrations() {
    return [...this.migrations];
  }
  getMigrationName(migration: PluginMigration) {
    return migration.name;
  }
  async getMigration(migration: PluginMigration) {
    return {
      up: async (knex: Knex) => {
        this.lastStarted = migration.name;
        const before = await othersSnapshot(knex, this.schema, this.prefix);
        await migration.up(pluginDatabase(knex, this.prefix));
        const after = await othersSnapshot(knex, this.schema, this.prefix);
        const changed = [
          ...before.filter((line) => !after.includes(line)).map((line) => `removed ${line}`),
          ...after.filter((line) => !before.includes(line)).map((line) => `added ${line}`),
        ];
        if (changed.length)
          throw new Error(
            `it may create and change only tables named ${this.prefix}…, but it changed: ${changed.slice(0, 5).join('; ')}`,
          );
      },
      down: async () => {
        throw new Error('plugin migrations are not undone');
      },
    };
  }
}

export function pluginStore(conn: Connection, plugin: string): PluginStore {
  const prefix = tablePrefixFor(plugin);
  return {
    database: pluginDatabase(conn.knex, prefix),
    async migrate(migrations) {
      if (migrations.length === 0) return [];
      const source = new PluginMigrationSource(migrations, conn.schema, prefix);
      try {
        const [, log] = (await conn.knex.migrate.latest({
          migrationSource: source,
          tableName: `knex_migrations_${prefix.slice(0, -1)}`,
          schemaName: conn.schema,
          disableTransactions: false,
        })) as [number, string[]];
        return log;
      } catch (err) {
        throw new MigrationError(source.lastStarted, sqlErrorText(err));
      }
    },
  };
}
