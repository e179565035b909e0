import type { PackageRef as PackageStateKey } from '../../broker/protocol/api-types.js';
import type { OperationContext, PluginContext } from './context.js';
import type { CoreEvent, CoreEventKind } from './core-events.js';
import type { JsonSchema } from './manifest.js';

/**
 * What the core hands its `integration` and `notifier` plugins (issue 22 §4): the common
 * context plus the core's parts, each narrowed to what a plugin should do with it.
 */
export interface CorePluginContext<TConfig = unknown, TSecrets = unknown> extends PluginContext<TConfig> {
  /**
   * The plugin's secrets (config.yaml `plugins.secrets.<name>`, or REDFLAG_PLUGINS_SECRETS),
   * checked against its `secretsSchema`. Never returned by the API; the host blanks their values
   * out of the plugin's log lines and recorded errors.
   */
  readonly secrets: Readonly<TSecrets>;
  /** The core's typed internal bus, the events the live stream sends. */
  readonly bus: CoreBus;
  /** Read-only view of the fleet: agents, their package states, commands. */
  readonly fleet: FleetReader;
  /** Commands go through the normal queue, with source `integration` and the plugin's name. */
  readonly commands: CommandIssuer;
  /** The plugin's own tables (created by its `migrations`). */
  readonly database: PluginDatabase;
  /** Routes under `/api/v1/plugins/<name>/`; declared in `create()`, before the HTTP server starts. */
  readonly routes: RouteRegistrar;
  /** Periodic work through the core's job runner (once per cluster per interval). */
  readonly jobs: JobScheduler;
}

export interface CoreBus {
  /**
   * Calls `listener` for every event of `kind` while the plugin is active, outside the emitter
   * (a slow listener delays nobody). One that throws disables the plugin. Returns an unsubscribe.
   */
  on<K extends CoreEventKind>(
    kind: K,
    listener: (event: CoreEvent<K>, op: OperationContext) => void | Promise<unknown>,
  ): () => void;
}

export interface FleetAgent {
  id: string;
  hostname: string;
  os: string;
  arch: string;
  agentVersion: string;
  status: 'active' | 'revoked';
  online: boolean;
  labels: string[];
  rebootRequired: boolean;
  lastSeenAt: string | null;
}

/** One package of one host (its key: agent, plugin, name, arch), as package_state holds it. */
export interface FleetPackage extends PackageStateKey {
  currentVersion: string | null;
  availableVersion: string | null;
  severity: string;
  security: boolean;
  status: string;
  statusChangedAt: string;
}

export interface FleetCommand {
  id: string;
  agentId: string;
  type: string;
  status: string;
  source: string;
  createdBy: string | null;
  params: Record<string, unknown>;
  result: Record<string, unknown> | null;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export interface FleetReader {
  agents(): Promise<FleetAgent[]>;
  agent(id: string): Promise<FleetAgent | null>;
  /** Every package state of one host (pending, held, updated…). */
  packages(agentId: string): Promise<FleetPackage[]>;
  command(id: string): Promise<FleetCommand | null>;
}

export interface CommandRequest {
  agentId: string;
  /** A command type of docs/protocol.md (`scan`, `reboot`, `restart_container`…). */
  type: string;
  params?: Record<string, unknown>;
  /** One active command per host and key: a second request gets the first one back. */
  dedupKey?: string;
}

export interface CommandIssuer {
  /** Queued, signed and sent like any other; rejects for an unknown or revoked host. */
  issue(request: CommandRequest): Promise<FleetCommand>;
}

/** One SQL row as the driver returns it. */
export type Row = Record<string, unknown>;

/**
 * SQL on the core's database (PostgreSQL dialect, also on the embedded PGlite). Plugins do not
 * import knex; `?` placeholders are bound to `bindings`. Use only tables named with
 * `tablePrefix`: migrations that touch any other table are refused.
 */
export interface PluginDatabase {
  /** `<name>_` with dashes as underscores: `notify-ntfy` → `notify_ntfy_`. */
  readonly tablePrefix: string;
  query<T extends Row = Row>(sql: string, bindings?: readonly unknown[]): Promise<T[]>;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (db: PluginDatabase) => Promise<T>): Promise<T>;
}

/**
 * A schema change of the plugin's own tables, run by knex's migrator at start-up in a
 * transaction, recorded in the plugin's own migrations table. Names never change once released.
 */
export interface PluginMigration {
  name: string;
  up(db: PluginDatabase): Promise<void>;
}

export type RouteRole = 'viewer' | 'operator' | 'admin';

export interface PluginRequest {
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: unknown;
  /** Who called: a user, an API token or a Home Assistant user. */
  caller: { name: string; role: RouteRole };
}

export interface PluginRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Below `/api/v1/plugins/<name>`: `/visits`, `/visits/:id`. */
  path: string;
  /** The least role that may call it (issue 5: every route declares one). */
  role: RouteRole;
  summary: string;
  /** JSON schemas, as fastify takes them; `response` describes the 200 answer. */
  schema: { params?: JsonSchema; querystring?: JsonSchema; body?: JsonSchema; response: JsonSchema };
  /**
   * Answers with the returned value (200). A PluginError answers 502 with its message and the
   * plugin stays active; anything else thrown disables the plugin (500).
   */
  handler(request: PluginRequest, op: OperationContext): Promise<unknown>;
}

export interface RouteRegistrar {
  add(route: PluginRoute): void;
}

export interface PluginJob {
  /** Unique within the plugin; the runner names it `<plugin>:<name>`. */
  name: string;
  intervalMs: number;
  /** Up to this much is added to each wait, so cores and plugins do not all run at once. */
  jitterMs?: number;
  run(op: OperationContext): Promise<void>;
}

export interface JobScheduler {
  add(job: PluginJob): void;
}
