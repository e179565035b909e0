import { type AdvisoryLocks, createAdvisoryLocks } from './advisory-locks.js';
import { type Connection, type ConnectOptions, connect, type DatabaseKind } from './connect.js';
import { type MigrationStatus, migrateLatest, migrationStatus } from './migrate.js';
import type { Migration } from './migrations/index.js';
import { agentsRepository } from './repositories/agents.js';
import { apiTokensRepository } from './repositories/api-tokens.js';
import { commandOutputRepository } from './repositories/command-output.js';
import { clientErrorsRepository } from './repositories/client-errors.js';
import { commandsRepository } from './repositories/commands.js';
import { containerListRepository } from './repositories/container-list.js';
import { fleetReadRepository } from './repositories/fleet-read.js';
import { fleetSeedRepository } from './repositories/fleet-seed.js';
import { fleetStatsRepository } from './repositories/fleet-stats.js';
import { jobsRepository } from './repositories/jobs.js';
import { type PluginStore, pluginStore } from './plugin-store.js';
import { packageStateRepository } from './repositories/package-state.js';
import { policiesRepository } from './repositories/policies.js';
import { registrationRepository } from './repositories/registration.js';
import { scanIngestRepository } from './repositories/scan-ingest.js';
import { sessionsRepository } from './repositories/sessions.js';
import { settingsRepository } from './repositories/settings.js';
import { systemEventsRepository } from './repositories/system-events.js';
import { updateListRepository } from './repositories/update-list.js';
import type { SearchBounds } from './repositories/update-page.js';
import { usersRepository } from './repositories/users.js';

export { createBatcher } from './batcher.js';
export type { AdvisoryLocks, LockedRun } from './advisory-locks.js';
export type { JobRecord } from './repositories/jobs.js';
export { type PluginStore, tablePrefixFor } from './plugin-store.js';
export { DatabaseUnavailableError, pgliteDirFor, redactUrl } from './connect.js';
export { dumpNewPgliteDataDir, pgliteTemplatePath } from './pglite.js';
export { isDatabaseUnavailable } from './unavailable.js';
export { MigrationError, type MigrationStatus } from './migrate.js';
export type { Migration } from './migrations/index.js';
export {
  EVENT_SEVERITIES,
  type EventSeverity,
  type SystemEventFilter,
} from './repositories/system-events.js';
export type { AgentHello, IdentityConflict } from './repositories/agents.js';
/** The domain types the repositories store and read (core/domain owns them, issue 22 §2). */
export type {
  Agent,
  AgentStatus,
  Command,
  InstallOutcome,
  NewSystemEvent,
  PackageState,
  Policy,
  SystemEvent,
  UpdateEvent,
} from '../domain/index.js';
export type { PackageRef, PackageStatus } from './repositories/package-state.js';
export {
  globToLike,
  type MaintenanceWindow,
  type PolicyKind,
  type PolicyMatch,
  type Schedule,
} from './repositories/policies.js';
export {
  type AgentListRequest,
  type AgentMetrics,
  type AgentOverview,
  type AgentSort,
  OUTSTANDING_STATUSES,
  type PendingCounts,
  SEVERITIES,
  type Severity,
} from './repositories/fleet-read.js';
export type { DayPoint, FleetStats } from './repositories/fleet-stats.js';
export type { SeedFleetOptions } from './repositories/fleet-seed.js';
export type { SearchBounds } from './repositories/update-page.js';
export type { InstallRecord, PackageEvent, PackageKey } from './repositories/update-list.js';
export {
  cursorArity,
  defaultOrderOf,
  type SortOrder,
  type UpdateCursorKey,
  type UpdateFilter,
  type UpdateListItem,
  type UpdatePage,
  type UpdatePageRequest,
  type UpdateSort,
} from './repositories/update-list-sql.js';
export type { ClientError, ClientErrorFilter, NewClientError } from './repositories/client-errors.js';
export type { IngestBatch, IngestOutcome, IngestPackage } from './repositories/scan-ingest.js';
export type { InventoryOutcome } from './repositories/container-inventory.js';
export type {
  ContainerCursorKey,
  ContainerListFilter,
  ContainerPage,
  ContainerPageRequest,
} from './repositories/container-list.js';
export {
  ACTIVE_COMMAND_STATUSES,
  type CommandFilter,
  type CommandKey,
  type CommandPage,
  type CommandSource,
  type CommandStatus,
  InactiveAgentError,
  UnsupportedCommandTypeError,
  type NewCommand,
} from './repositories/commands.js';
export type { StoredOutputLine } from './repositories/command-output.js';
export type {
  NewRegistrationToken,
  RegistrationOutcome,
  RegistrationRefusal,
  RegistrationRequest,
  RegistrationToken,
  RegistrationTokenUse,
  RegistrationTokenUses,
} from './repositories/registration.js';
export type { Role, User } from './repositories/users.js';
export type { ApiToken } from './repositories/api-tokens.js';
export type { SessionCaller } from './repositories/sessions.js';
export type { ConnectOptions, DatabaseKind };

/**
 * The database as the rest of the core sees it: typed repositories and a few lifecycle
 * calls. knex never leaves core/db (DESIGN.md §2).
 */
export interface Database {
  kind: DatabaseKind;
  location: string;
  systemEvents: ReturnType<typeof systemEventsRepository>;
  settings: ReturnType<typeof settingsRepository>;
  agents: ReturnType<typeof agentsRepository>;
  registration: ReturnType<typeof registrationRepository>;
  commands: ReturnType<typeof commandsRepository>;
  commandOutput: ReturnType<typeof commandOutputRepository>;
  clientErrors: ReturnType<typeof clientErrorsRepository>;
  packages: ReturnType<typeof packageStateRepository>;
  scans: ReturnType<typeof scanIngestRepository>;
  /** The hosts' containers as their docker scans reported them (issue 24 §5). */
  containers: ReturnType<typeof containerListRepository>;
  policies: ReturnType<typeof policiesRepository>;
  users: ReturnType<typeof usersRepository>;
  apiTokens: ReturnType<typeof apiTokensRepository>;
  sessions: ReturnType<typeof sessionsRepository>;
  /** The fleet as the API reads it: agents with counts, metrics (issue 5). */
  fleet: ReturnType<typeof fleetReadRepository>;
  /** GET /api/v1/updates: filtered, sorted keyset pages, details, bulk-action targets. */
  updates: ReturnType<typeof updateListRepository>;
  stats: ReturnType<typeof fleetStatsRepository>;
  /** The job runner's bookkeeping: when each periodic job last ran (issue 22 §3). */
  jobs: ReturnType<typeof jobsRepository>;
  /** PostgreSQL advisory locks, so periodic work runs once when several cores share the database. */
  locks: AdvisoryLocks;
  /** An integration or notifier plugin's own tables and migrations (issue 22 §4). */
  plugin(name: string): PluginStore;
  /** Synthetic fleets for tests and benchmarks (set-based SQL); never called by the core itself. */
  seed: ReturnType<typeof fleetSeedRepository>;
  /** Round trip to the database; rejects when it is unreachable. */
  ping(): Promise<void>;
  migrate(): Promise<string[]>;
  migrationStatus(): Promise<MigrationStatus>;
  /**
   * SQL statements sent since the database was opened: lets tests and benchmarks prove that
   * work is set-based (a constant number of statements whatever the batch size).
   */
  statementCount(): number;
  /** Table names in the RedFlag schema (diagnostics and tests). */
  tables(): Promise<string[]>;
  /**
   * Every column and index of the RedFlag schema, one sorted line each, leaving out knex's
   * own bookkeeping tables: compares schemas before and after a migration run.
   */
  schemaSnapshot(): Promise<string[]>;
  /**
   * The check constraints of the RedFlag schema as PostgreSQL prints them (`pg_get_constraintdef`):
   * lets a test hold the SQL word lists to the protocol's vocabularies (issue 22 §1).
   */
  checkConstraints(): Promise<Array<{ table: string; name: string; definition: string }>>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions extends ConnectOptions {
  /** Replaces the core migrations (tests of the migrator itself). */
  migrations?: Migration[];
  /** Bounds of the text-search strategies (tests reach each of them with a small fleet). */
  searchBounds?: SearchBounds;
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const conn: Connection = await connect(options);
  const { knex } = conn;
  let closed = false;
  let statements = 0;
  const locks = createAdvisoryLocks(
    conn.kind === 'postgres' ? options.url : null,
    conn.schema,
    options.queryTimeoutMs,
  );
  knex.on('query', () => {
    statements++;
  });
  return {
    kind: conn.kind,
    location: conn.location,
    systemEvents: systemEventsRepository(knex),
    settings: settingsRepository(knex),
    agents: agentsRepository(knex),
    registration: registrationRepository(knex),
    commands: commandsRepository(knex),
    commandOutput: commandOutputRepository(knex),
    clientErrors: clientErrorsRepository(knex),
    packages: packageStateRepository(knex),
    scans: scanIngestRepository(knex),
    containers: containerListRepository(knex),
    policies: policiesRepository(knex),
    users: usersRepository(knex),
    apiTokens: apiTokensRepository(knex),
    sessions: sessionsRepository(knex),
    fleet: fleetReadRepository(knex),
    updates: updateListRepository(knex, options.searchBounds),
    stats: fleetStatsRepository(knex),
    jobs: jobsRepository(knex),
    locks,
    plugin: (name) => pluginStore(conn, name),
    seed: fleetSeedRepository(knex),
    async ping() {
      await knex.raw('select 1');
    },
    migrate: () => migrateLatest(conn, options.migrations),
    statementCount: () => statements,
    migrationStatus: () => migrationStatus(conn, options.migrations),
    async tables() {
      const rows = (await knex('information_schema.tables')
        .where({ table_schema: conn.schema })
        .orderBy('table_name')
        .select('table_name')) as Array<{ table_name: string }>;
      return rows.map((r) => r.table_name);
    },
    async schemaSnapshot() {
      const columns = (await knex('information_schema.columns')
        .where({ table_schema: conn.schema })
        .whereNot('table_name', 'like', 'knex\\_migrations%')
        .select('table_name', 'column_name', 'data_type', 'is_nullable', 'column_default')) as Array<
        Record<string, string | null>
      >;
      const indexes = (await knex('pg_indexes')
        .where({ schemaname: conn.schema })
        .whereNot('tablename', 'like', 'knex\\_migrations%')
        .select('indexdef')) as Array<{ indexdef: string }>;
      return [
        ...columns.map(
          (c) =>
            `column ${c.table_name}.${c.column_name} ${c.data_type} null=${c.is_nullable} default=${c.column_default}`,
        ),
        ...indexes.map((i) => `index ${i.indexdef}`),
      ].sort();
    },
    async checkConstraints() {
      const rows = await knex.raw<{
        rows: Array<{ table: string; name: string; definition: string }>;
      }>(
        `select c.relname as "table", k.conname as name, pg_get_constraintdef(k.oid) as definition
           from pg_constraint k
           join pg_class c on c.oid = k.conrelid
           join pg_namespace n on n.oid = c.relnamespace
          where k.contype = 'c' and n.nspname = ?
          order by 1, 2`,
        [conn.schema],
      );
      return rows.rows;
    },
    async close() {
      if (closed) return;
      closed = true;
      await locks.close();
      await knex.destroy();
    },
  };
}
