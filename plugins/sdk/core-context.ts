import type { HostContainer, PackageRef as PackageStateKey } from '../../broker/protocol/api-types.js';
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
  /** The plugin's own key of agents' metadata: `metadata.<plugin name>` (issue 23 §3). */
  readonly agentMetadata: AgentMetadataWriter;
  /** Fresh registration tokens, for a plugin that installs agents (issue 23 §5). */
  readonly registration: RegistrationTokens;
  /** Commands go through the normal queue, with source `integration` and the plugin's name. */
  readonly commands: CommandIssuer;
  /** The plugin's own tables (created by its `migrations`). */
  readonly database: PluginDatabase;
  /** Routes under `/api/v1/plugins/<name>/`; declared in `create()`, before the HTTP server starts. */
  readonly routes: RouteRegistrar;
  /** Periodic work through the core's job runner (once per cluster per interval). */
  readonly jobs: JobScheduler;
  /** Approvals through the core's install workflow (plugin API 1.1). */
  readonly updates: UpdateApprover;
  /** System events the plugin records, type `plugin` (plugin API 1.1). */
  readonly events: PluginEventRecorder;
  /** Every host's containers, as their docker scans reported them (plugin API 1.2). */
  readonly containers: ContainerReader;
}

/**
 * One container of one host with its image's check and the docker update of that image (the
 * API's `HostContainer`, GET /api/v1/containers): `update` is approved through `ctx.updates`.
 */
export type FleetContainer = HostContainer;

/**
 * The container inventory (issue 24 §5): what each host's last docker scan listed, replaced as a
 * whole by the next; the bus's `containers.changed` says when a host's changed.
 */
export interface ContainerReader {
  /** Every container of one host, or of the fleet, by host name and container name. */
  list(filter?: { agentId?: string }): Promise<FleetContainer[]>;
}

/**
 * Approving updates the way a person does in the panel (issue 26 §1): the install workflow's
 * dry run first, then the install when the transaction holds nothing more, else it waits for
 * a person; maintenance windows and holds apply as to anyone (a held package is not pending,
 * so it is refused). The approval is recorded as by `plugin:<name>`, or with `requestedBy` (API
 * 1.2) as by `plugin:<name> for <requestedBy>`: the person who asked the plugin.
 */
export interface UpdateApprover {
  approve(
    packages: ReadonlyArray<{ agentId: string; plugin: string; name: string; arch: string }>,
    options?: { requestedBy?: string },
  ): Promise<{
    approved: Array<{ agentId: string; plugin: string; name: string; arch: string }>;
    refused: Array<{ name: string; why: string }>;
  }>;
}

export interface PluginEventRecorder {
  /** Stored as a system event of type `plugin` (history, the live stream, notifiers). */
  record(event: {
    subtype: string;
    severity: 'info' | 'warning' | 'error';
    message: string;
    agentId?: string;
    metadata?: Record<string, unknown>;
  }): Promise<void>;
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
  /**
   * Puts `plugin.progress` `{plugin, subject, id, progress}` on the bus and the live stream, the
   * plugin's name filled in: how a plugin reports progress of its own work (a group action).
   */
  emitProgress(subject: string, id: string, progress: Record<string, unknown>, agentId?: string | null): void;
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
  /** The hardware addresses it registered with, lower case. */
  macAddresses: string[];
  /** The address its last MQTT connection came from, as the broker saw it. */
  address: string | null;
  /**
   * A copy of the agent's metadata, plugins' keys included (`metadata.proxmox`: the node a
   * guest runs on), plugin API 1.2.
   */
  metadata: Record<string, unknown>;
}

/** One package of one host (its key: agent, plugin, name, arch), as package_state holds it. */
export interface FleetPackage extends PackageStateKey {
  currentVersion: string | null;
  availableVersion: string | null;
  severity: string;
  security: boolean;
  status: string;
  statusChangedAt: string;
  /** Repository, suite or registry (plugin API 1.1). */
  source: string | null;
  /** What the package manager reported beside the record: Docker's image, tag, digests (plugin API 1.1). */
  metadata: Record<string, unknown>;
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
  /**
   * Every package state of one host (pending, held, updated…), in plugin, name, arch order; with
   * no id, every host's states that are not closed (not `updated` or `resolved`: the fleet's
   * history) in one query, in agent, plugin, name, arch order (plugin API 1.3).
   */
  packages(agentId?: string): Promise<FleetPackage[]>;
  command(id: string): Promise<FleetCommand | null>;
  /** Pending (outstanding) updates per agent and severity, for every agent, in one query. */
  pendingCounts(): Promise<Record<string, FleetPendingCounts>>;
}

export type FleetPendingCounts = Record<
  'critical' | 'high' | 'medium' | 'low' | 'unknown' | 'total' | 'security',
  number
>;

/**
 * Writes one key of agents' metadata, the plugin's own name (`metadata.proxmox`), which the
 * API returns with the agent and the panel reads; every other key stays the core's.
 */
export interface AgentMetadataWriter {
  /** Sets (or with null removes) `metadata.<plugin>` of one agent; false when there is no such agent. */
  set(agentId: string, value: Record<string, unknown> | null): Promise<boolean>;
  /** The agents whose `metadata.<plugin>` is set. */
  agentsWithValue(): Promise<string[]>;
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

export interface RegistrationTokens {
  /**
   * A new registration token with one seat and a short life, created by `plugin:<name>`, and the
   * install line that uses it (`curl -fsSL '<core>/install.sh' | sh -s -- --token '…'`). The
   * token is a secret: never log it. Rejects with a PluginError (`enrollment_unavailable`) when
   * this core does not give plugins tokens.
   */
  createSingleSeat(label: string): Promise<{ token: string; install: string }>;
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
