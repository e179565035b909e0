/**
 * The shapes of the core's HTTP API answers, written from docs/api.md and the routes' JSON
 * schemas (core/api/routes/*). The panel may not import the core (DESIGN.md §2), so they live here;
 * a browser test against a real core keeps them honest.
 */

export type Role = 'admin' | 'operator' | 'viewer';

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
  /** Added by the agents-list work: pending updates per severity. */
  pending?: Partial<Record<Severity, number>> & { total?: number };
  metrics?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  /** Refused at connect for a copied identity until an admin rebinds it (issue 21 §5). */
  identityConflict?: IdentityConflict | null;
  /** After a rebind without a named machine: the next host to connect binds it. */
  rebindNextHello?: boolean;
}

/** GET /api/v1/agents/{id} `identityConflict` (docs/api.md "Agents"). */
export interface IdentityConflict {
  kind: 'machine_id_mismatch' | 'session_takeover';
  detectedAt: string;
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

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'unknown';
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'unknown'];

export type PackageStatus =
  | 'pending'
  | 'approved'
  | 'checking_dependencies'
  | 'pending_dependencies'
  | 'installing'
  | 'updated'
  | 'failed'
  | 'ignored'
  | 'held'
  | 'resolved';

export const PACKAGE_STATUSES: readonly PackageStatus[] = [
  'pending',
  'approved',
  'checking_dependencies',
  'pending_dependencies',
  'installing',
  'updated',
  'failed',
  'ignored',
  'held',
  'resolved',
];

/** One package on one host: the key is (agentId, plugin, name, arch). */
export interface PackageRef {
  agentId: string;
  plugin: string;
  name: string;
  arch: string;
}

export interface PackageUpdate extends PackageRef {
  /** Stable id of this package of this host (GET /api/v1/updates/{id}, bulk actions by `ids`). */
  id: string;
  hostname?: string;
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

/** What a dry run reported (plugins/sdk Transaction), kept on packages in pending_dependencies. */
export interface TransactionItem {
  name: string;
  arch?: string;
  fromVersion?: string;
  toVersion?: string;
  source?: string;
  security?: boolean;
}

export interface Transaction {
  upgrades: TransactionItem[];
  newPackages: TransactionItem[];
  removals: TransactionItem[];
  warnings: string[];
}

/** What the transaction holds beyond what was approved: why a person must confirm. */
export interface TransactionExtras {
  upgrades?: TransactionItem[];
  newPackages?: TransactionItem[];
  removals?: TransactionItem[];
}

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

export type CommandStatus =
  | 'pending'
  | 'sent'
  | 'acknowledged'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'timed_out'
  | 'cancelled'
  | 'rejected';

export const ACTIVE_COMMAND_STATUSES: readonly CommandStatus[] = [
  'pending',
  'sent',
  'acknowledged',
  'running',
];

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
  source?: string;
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

export type EventSeverity = 'info' | 'warning' | 'error' | 'critical';

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

/** GET /api/v1/stats (docs/api.md "Stats"): fleet totals now and a daily series. */
export interface FleetStats {
  pending: Partial<Record<Severity, number>> & { total: number; security: number };
  byStatus: Partial<Record<PackageStatus, number>>;
  byPlugin: Record<string, number>;
  agents: { total: number; online: number; offline: number; revoked: number; rebootRequired: number };
  failedCommands: { recentHours: number; count: number };
  daily: Array<{
    day: string;
    open: number;
    discovered: number;
    installed: number;
    failed: number;
    resolved: number;
  }>;
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

/** A hold, ignore or auto-approve rule (docs/api.md "Policies, maintenance windows and schedules"). */
export interface Policy {
  id: string;
  kind: PolicyKind;
  name: string;
  match: {
    namePattern?: string;
    plugin?: string;
    label?: string;
    severities?: Severity[];
    securityOnly?: boolean;
  };
  enabled: boolean;
  createdBy?: string | null;
  createdAt: string;
}

export interface MaintenanceWindow {
  id: string;
  name: string;
  /** 0 (Sunday) to 6. */
  weekdays: number[];
  startTime: string;
  endTime: string;
  timezone: string;
  agentLabel: string | null;
  enabled: boolean;
}

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

/** PUT /api/v1/plugin-settings/{plugin}: the entry, and the set_config commands it issued. */
export interface ChangedPluginSettings extends PluginSettingsEntry {
  commands: Command[];
}
