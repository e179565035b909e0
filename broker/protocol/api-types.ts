/**
 * The HTTP API's request and answer shapes (docs/api.md), written once for every side that
 * speaks it: the core's repositories and routes build them, the panel reads them with
 * `import type` (issue 22 §1). Types only, and built from the vocabularies, so the panel
 * type-checks them without the core. Each answer follows its route's response schema
 * (core/api/routes/*): a field the schema does not require is optional here.
 * test/core/api/api-types.test.ts proves at compile time that the core's records, sent as
 * JSON, fit these shapes; the panel's browser tests read them from a real core.
 */
import type { Severity, EventSeverity, Transaction, TransactionItem } from './types.js';
import type {
  ACTIVE_COMMAND_STATUSES,
  COMMAND_SOURCES,
  COMMAND_STATUSES,
  OUTSTANDING_PACKAGE_STATUSES,
  PACKAGE_STATUSES,
  ROLES,
} from './vocabulary.js';

export type { EventSeverity, Severity, Transaction, TransactionItem };
export type Role = (typeof ROLES)[number];
export type PackageStatus = (typeof PACKAGE_STATUSES)[number];
export type OutstandingPackageStatus = (typeof OUTSTANDING_PACKAGE_STATUSES)[number];
export type CommandStatus = (typeof COMMAND_STATUSES)[number];
export type ActiveCommandStatus = (typeof ACTIVE_COMMAND_STATUSES)[number];
export type CommandSource = (typeof COMMAND_SOURCES)[number];

/**
 * What JSON makes of a value the core holds: a Date goes out as its ISO-8601 string. The core's
 * records are `Json<…>` of these shapes once fastify has sent them.
 */
export type Json<T> = T extends Date
  ? string
  : T extends readonly (infer U)[]
    ? Json<U>[]
    : T extends object
      ? { [K in keyof T]: Json<T[K]> }
      : T;

export interface SessionUser {
  id: string;
  username: string;
  role: Role;
}

export interface AuthStatus {
  setupRequired: boolean;
  signedIn: boolean;
}

export interface Session {
  kind: 'session' | 'token' | 'ingress';
  user: SessionUser;
  csrfToken?: string;
  expiresAt?: string;
}

export interface User {
  id: string;
  username: string;
  displayName?: string | null;
  role: Role;
  disabled: boolean;
  createdAt: string;
  lastLoginAt?: string | null;
}

/** Updates still to install (OUTSTANDING_PACKAGE_STATUSES) by severity; total and security over the same. */
export type PendingCounts = Record<Severity | 'total' | 'security', number>;

export interface Agent {
  id: string;
  hostname: string;
  os?: string;
  arch?: string;
  agentVersion?: string;
  labels?: string[];
  status: 'active' | 'revoked';
  online: boolean;
  rebootRequired?: boolean;
  registeredAt?: string;
  lastSeenAt?: string | null;
  revokedAt?: string | null;
  /** Until then a clone of this machine may take the identity over (an admin's rebind). */
  rebindAllowedUntil?: string | null;
  macAddresses?: string[];
  /** The plugins it reported in its hello. */
  capabilities?: unknown[];
  /** GET /api/v1/agents and /agents/{id}: pending updates per severity. */
  pending?: Partial<PendingCounts>;
  metrics?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  /** Refused at connect for a copied identity until an admin rebinds it (issue 21 §5). */
  identityConflict?: IdentityConflict | null;
  /** After a rebind without a named machine: the next host to connect binds it. */
  rebindNextHello?: boolean;
}

/**
 * GET /api/v1/agents/{id} `identityConflict` (docs/api.md "Agents"): why an agent is refused at
 * connect until an admin rebinds it (issue 21 §5). Hashes appear as prefixes only, like in the
 * security event.
 */
export interface IdentityConflict {
  kind: 'machine_id_mismatch' | 'session_takeover';
  detectedAt: string;
  /** The source addresses involved (the hello's connection, or the connections taking over). */
  addresses: string[];
  registeredMachine?: string;
  presentedMachine?: string;
  takeovers?: number;
}

/** POST /api/v1/agents/{id}/rebind. */
export interface RebindAnswer {
  agentId: string;
  rebindAllowedUntil: string;
  machine: string | null;
  conflictLifted: boolean;
}

/** One package on one host: package_state's key (agentId, plugin, name, arch). */
export interface PackageRef {
  agentId: string;
  plugin: string;
  name: string;
  arch: string;
}

export interface PackageUpdate extends PackageRef {
  /** Stable id of this package of this host (GET /api/v1/updates/{id}, bulk actions by `ids`). */
  id: string;
  hostname: string;
  currentVersion: string | null;
  availableVersion: string | null;
  severity: Severity;
  security: boolean;
  source?: string | null;
  rebootRequired?: boolean;
  status: PackageStatus;
  metadata?: Record<string, unknown>;
  firstSeenAt?: string;
  lastSeenAt?: string;
  statusChangedAt?: string;
}

/** One value or several (the API takes `severity=critical,high`). */
export type OneOrMany<T> = T | readonly T[];

/** GET /api/v1/updates filters (docs/api.md "Updates"): filters AND, the values of one filter OR. */
export interface UpdateFilter {
  agent?: OneOrMany<string>;
  plugin?: OneOrMany<string>;
  severity?: OneOrMany<Severity>;
  status?: OneOrMany<PackageStatus>;
  security?: boolean;
  label?: string;
  q?: string;
}

export type UpdateSort = 'severity' | 'name' | 'host' | 'firstSeen';
export type SortOrder = 'asc' | 'desc';

/** The sort of the list: `severity desc` is most severe first, `firstSeen desc` newest first. */
export interface UpdateOrder {
  sort?: UpdateSort;
  order?: SortOrder;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** What the transaction holds beyond what was approved: why a person must confirm. */
export type TransactionExtras = Partial<Record<'upgrades' | 'newPackages' | 'removals', TransactionItem[]>>;

/** GET /api/v1/updates/{id} (docs/api.md "Updates", Detail). */
export interface PackageDetail extends PackageUpdate {
  dryRunCommandId: string | null;
  installCommandId: string | null;
  /** While `pending_dependencies`: the dry run's transaction with its extras; else null. */
  transaction: (Partial<Transaction> & { extras?: TransactionExtras }) | null;
  history: Array<{
    id: string;
    fromVersion: string | null;
    toVersion: string | null;
    commandId: string | null;
    result: 'succeeded' | 'failed';
    message: string | null;
    occurredAt: string;
  }>;
  events: Array<{
    id: string;
    kind: string;
    fromVersion: string | null;
    toVersion: string | null;
    occurredAt: string;
  }>;
}

/** A package a bulk action moved (with its id when the request named ids or a filter). */
export type MovedRef = PackageRef & { id?: string };

export interface Refusal {
  id?: string;
  ref: PackageRef;
  from: PackageStatus | null;
  why: string;
}

/** The answer of POST /api/v1/updates/approve, /ignore and /install. */
export interface BulkAnswer {
  approved?: MovedRef[];
  ignored?: MovedRef[];
  installing?: MovedRef[];
  refused: Refusal[];
}

/** What a bulk action is for: some packages by id, or every package matching a filter. */
export type BulkTarget = { ids: string[] } | { filter: UpdateFilter } | { packages: PackageRef[] };

/** GET /api/v1/commands filters; lists are comma-separated (`failed,timed_out`). */
export interface CommandQuery {
  agent?: string;
  status?: string;
  type?: string;
  source?: string;
  /** Created at or after (ISO 8601). */
  since?: string;
}

export interface Command {
  id: string;
  agentId: string;
  type: string;
  params?: Record<string, unknown>;
  status: CommandStatus;
  source?: CommandSource;
  /** While active, a second command with the same key returns this one (HTTP 409). */
  dedupKey?: string | null;
  retriedFromId?: string | null;
  attempt?: number;
  createdBy?: string | null;
  createdAt?: string;
  expiresAt?: string;
  sentAt?: string | null;
  acknowledgedAt?: string | null;
  runningAt?: string | null;
  finishedAt?: string | null;
  result?: Record<string, unknown> | null;
  error?: string | null;
}

/** One stored or streamed output line (GET /api/v1/commands/{id}/output, live `command.output`). */
export interface CommandOutputLine {
  /** The agent's order; unique per command, so it is what merges the backlog and live lines. */
  seq: number;
  ts: string;
  /** `status` is the agent's (or the core's) narration: "apt-get -s install bash", "output truncated …". */
  stream: 'stdout' | 'stderr' | 'status' | string;
  line: string;
  percent?: number | null;
}

/** GET /api/v1/commands/{id}/output: one page of lines; `next` is the `after` of the next page. */
export interface CommandOutputPage {
  commandId: string;
  status: CommandStatus;
  lines: CommandOutputLine[];
  next: number | null;
}

export interface SystemEvent {
  id: string;
  agentId?: string | null;
  type: string;
  subtype?: string | null;
  severity: EventSeverity;
  component: string;
  message: string;
  metadata?: Record<string, unknown>;
  createdAt: string;
}

/** One UTC day of GET /api/v1/stats's series. */
export interface DayPoint {
  /** UTC day, YYYY-MM-DD. */
  day: string;
  /** Updates open at the end of the day: reported and neither installed nor gone (held and ignored included). */
  open: number;
  discovered: number;
  installed: number;
  failed: number;
  resolved: number;
}

/** GET /api/v1/stats (docs/api.md "Stats"): fleet totals now and a daily series. */
export interface FleetStats {
  pending: PendingCounts;
  /** Every package state, by status. */
  byStatus: Partial<Record<PackageStatus, number>>;
  /** Updates still to install, by plugin. */
  byPlugin: Record<string, number>;
  agents: { total: number; online: number; offline: number; revoked: number; rebootRequired: number };
  /** Commands that failed, timed out or were rejected within `recentHours`. */
  failedCommands: { recentHours: number; count: number };
  daily: DayPoint[];
}

/** POST /api/v1/client-errors (DESIGN.md §5 client_errors). */
export interface ClientErrorReport {
  subsystem: string;
  type: string;
  message: string;
  stack?: string;
  metadata?: Record<string, unknown>;
  url?: string;
  userAgent?: string;
  occurredAt: string;
}

/** The agent's latest `metrics` sample (docs/protocol.md "metrics"), when the agents list carries it. */
export interface AgentMetrics {
  /** The agent's clock (`ts` of the message) and the core's. */
  reportedAt?: string;
  receivedAt?: string;
  uptimeSec?: number;
  load?: number[];
  memory?: { totalBytes: number; availableBytes: number };
  disks?: Array<{ mount: string; totalBytes: number; freeBytes: number }>;
}

export type RegistrationTokenState = 'usable' | 'used_up' | 'expired' | 'revoked';

export interface RegistrationToken {
  id: string;
  label: string;
  seatsTotal: number;
  seatsUsed: number;
  expiresAt: string;
  revokedAt?: string | null;
  createdBy?: string | null;
  createdAt: string;
  state: RegistrationTokenState;
  uses?: { registered?: number; rebound?: number; refused?: number; lastUsedAt?: string | null };
}

/** POST /api/v1/registration-tokens: the only answer that ever holds the token. */
export interface CreatedRegistrationToken {
  token: string;
  install: string;
  registrationToken: RegistrationToken;
}

export interface ApiToken {
  id: string;
  name: string;
  role: Role;
  userId?: string | null;
  createdBy?: string | null;
  createdAt: string;
  expiresAt?: string | null;
  lastUsedAt?: string | null;
  revokedAt?: string | null;
}

export interface CreatedApiToken {
  token: string;
  apiToken: ApiToken;
}

/** GET /api/v1/events filters (docs/api.md "Events"). */
export interface EventQuery {
  agent?: string;
  type?: string;
  severity?: string;
  minSeverity?: EventSeverity;
  component?: string;
  since?: string;
  until?: string;
}

export type PolicyKind = 'hold' | 'ignore' | 'auto_approve';

/** What a rule matches; every given field must match, absent ones match anything. */
export interface PolicyMatch {
  /** Glob on the package name: `linux-image-*`, `docker-ce`. */
  namePattern?: string;
  plugin?: string;
  /** Agents carrying this label. */
  label?: string;
  /** auto_approve only: severities approved. */
  severities?: Severity[];
  /** auto_approve only: security updates only. */
  securityOnly?: boolean;
}

/** A hold, ignore or auto-approve rule (docs/api.md "Policies, maintenance windows and schedules"). */
export interface Policy {
  id: string;
  kind: PolicyKind;
  name: string;
  match: PolicyMatch;
  enabled: boolean;
  createdBy?: string | null;
  createdAt: string;
}

export interface MaintenanceWindow {
  id: string;
  name: string;
  /** 0 = Sunday … 6 = Saturday, in the window's time zone. */
  weekdays: number[];
  /** HH:MM; a window whose end is before its start runs past midnight. */
  startTime: string;
  endTime: string;
  timezone: string;
  /** Applies to agents with this label; null: to every agent. */
  agentLabel: string | null;
  enabled: boolean;
}

/** A scan interval for one plugin on one agent, on the agents with a label, or fleet-wide. */
export interface ScanSchedule {
  id: string;
  agentId: string | null;
  agentLabel: string | null;
  plugin: string;
  intervalSeconds: number;
  enabled: boolean;
}

/** GET /api/v1/plugin-settings: one plugin the agents report, with its fleet-wide settings. */
export interface PluginSettingsEntry {
  plugin: string;
  kinds: string[];
  /** Active agents that report it. */
  hosts: number;
  settings: Record<string, unknown>;
  updatedBy: string | null;
  updatedAt: string | null;
}

/** GET /api/v1/plugins: one of the core's integration and notifier plugins (issue 22 §4). */
export interface CorePlugin {
  name: string;
  kind: 'integration' | 'notifier' | null;
  version: string | null;
  state: 'active' | 'refused' | 'failed' | 'disabled' | 'stopped';
  lastError: string | null;
}

/** PUT /api/v1/plugin-settings/{plugin}: the entry, and the set_config commands it issued. */
export interface ChangedPluginSettings extends PluginSettingsEntry {
  commands: Command[];
}
