import type { SpooledUpType } from './topics.js';
import type {
  ContainerCheckStatus,
  CommandRejectReason,
  CommandType,
  EventSeverity,
  ProgressStream,
  ReceiptStatus,
  ResultStatus,
  Severity,
} from './vocabulary-types.js';

/**
 * TypeScript shapes of every message. Hand-written for readable editor hints;
 * test/broker/protocol/types.test.ts proves at compile time that each one has exactly the
 * properties and required properties of its schema, and at run time that examples validate.
 */

/** Free-form JSON object owned by a plugin or command handler. */
export type OpenObject = Record<string, unknown>;

export interface Envelope {
  v: 1;
  /** Lowercase UUID; kept across re-sends. */
  id: string;
  /** ISO-8601 date-time with zone, when this copy was published. */
  ts: string;
}

export interface HostOs {
  id: string;
  name: string;
  version: string;
  kernel?: string;
}

export interface PluginCapability {
  name: string;
  version: string;
  kind: string;
}

export interface HelloMessage extends Envelope {
  agentVersion: string;
  os: HostOs;
  arch: string;
  hostname: string;
  capabilities: PluginCapability[];
  /** The command types this agent has a handler for; absent: `BASELINE_COMMAND_TYPES`. */
  commandTypes?: string[];
  bootId?: string;
  rebootRequired?: boolean;
  machineIdHash?: string;
  configRevision?: number;
}

export interface ScanPackage {
  plugin: string;
  name: string;
  arch?: string;
  currentVersion: string;
  availableVersion: string;
  severity: Severity;
  source: string;
  security: boolean;
  rebootRequired?: boolean;
  metadata: OpenObject;
  image?: string;
  tag?: string;
  containerIds?: string[];
  localDigests?: string[];
  remoteDigest?: string;
  platform?: string;
}

/** One package a transaction touches (transactionItemSchema). */
export interface TransactionItem {
  name: string;
  arch?: string;
  /** Installed version; absent for a new package. */
  fromVersion?: string;
  /** Version after the transaction; absent for a removal. */
  toVersion?: string;
  /** Repository, suite or registry the new version comes from. */
  source?: string;
  security?: boolean;
}

/**
 * What an install would do, as a dry run reports it (DESIGN.md §3.7): a `dry_run` result's
 * `data.transaction`, an `install` command's `params.expected`.
 */
export interface Transaction {
  upgrades: TransactionItem[];
  /** Packages not installed today that the upgrade pulls in (new dependencies). */
  newPackages: TransactionItem[];
  removals: TransactionItem[];
  /** Things a person should read before confirming (skipped packages, holds). */
  warnings: string[];
}

export interface ScanMessage extends Envelope {
  batchId: string;
  plugin: string;
  complete: boolean;
  startedAt: string;
  finishedAt: string;
  packages: ScanPackage[];
  error?: string;
  holds?: string[];
  /** The docker plugin: every container on the host; replaces the host's inventory at the core. */
  containers?: ContainerInventoryItem[];
}

/** One container and its image's check (containerInventoryItemSchema, issue 24 §5). */
export interface ContainerInventoryItem {
  id: string;
  name: string;
  /** `docker.io/library/nginx:1.27`: the scan record's `name` when the image has an update. */
  reference: string;
  /** `docker.io/library/nginx` */
  image: string;
  tag?: string;
  imageId?: string;
  localDigests: string[];
  remoteDigest?: string;
  checkStatus: ContainerCheckStatus;
  checkReason?: string;
  state: string;
  health?: string;
  composeProject?: string;
  composeService?: string;
  platform?: string;
}

export interface ProgressMessage extends Envelope {
  commandId: string;
  seq: number;
  stream: ProgressStream;
  line: string;
  percent?: number;
}

export interface AckMessage extends Envelope {
  commandId: string;
  accepted: boolean;
  /** Present exactly when `accepted` is false. */
  reason?: CommandRejectReason;
  detail?: string;
}

export interface ResultMessage extends Envelope {
  commandId: string;
  status: ResultStatus;
  startedAt: string;
  finishedAt: string;
  exitCode?: number;
  error?: string;
  output?: string;
  data?: OpenObject;
}

export interface EventMessage extends Envelope {
  type: string;
  subtype?: string;
  severity: EventSeverity;
  message: string;
  metadata?: OpenObject;
}

export interface DiskUsage {
  mount: string;
  totalBytes: number;
  freeBytes: number;
}

export interface MetricsMessage extends Envelope {
  uptimeSec: number;
  load: [number, number, number];
  memory: { totalBytes: number; availableBytes: number };
  disks?: DiskUsage[];
}

/** The fields a command signature covers (SIGNED_COMMAND_FIELDS). */
export interface CommandFields {
  id: string;
  agentId: string;
  type: CommandType;
  params: OpenObject;
  issuedAt: string;
  expiresAt: string;
  attempt: number;
  keyId: string;
}

export interface CommandMessage extends CommandFields {
  v: 1;
  ts: string;
  /** Ed25519 over canonicalJson of the CommandFields, base64. */
  signature: string;
}

export interface ReceiptMessage extends Envelope {
  ackOf: string;
  type: SpooledUpType;
  status: ReceiptStatus;
  reason?: string;
}

export interface ScanSchedule {
  enabled: boolean;
  intervalSeconds: number;
}

export interface ConfigMessage extends Envelope {
  revision: number;
  schedules: Record<string, ScanSchedule>;
  pluginSettings: Record<string, OpenObject>;
}

export interface PresenceMessage {
  v: 1;
  online: boolean;
  ts?: string;
  agentVersion?: string;
}

/** Message type → its TypeScript shape, for typed validators and handlers. */
export interface MessageByType {
  hello: HelloMessage;
  scan: ScanMessage;
  progress: ProgressMessage;
  result: ResultMessage;
  ack: AckMessage;
  event: EventMessage;
  metrics: MetricsMessage;
  command: CommandMessage;
  receipt: ReceiptMessage;
  config: ConfigMessage;
  presence: PresenceMessage;
}
