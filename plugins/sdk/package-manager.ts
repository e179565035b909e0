import type { OperationContext } from './context.js';
import type {
  CommandType,
  ContainerInventoryItem,
  ScanPackage,
  Transaction,
  TransactionItem,
} from '../../broker/protocol/index.js';

export interface DetectResult {
  /** This package manager is installed and usable on this host. */
  available: boolean;
  version?: string;
  /** Why not, when `available` is false. */
  reason?: string;
}

export interface ScanResult {
  packages: ScanPackage[];
  /**
   * Every pending update is in `packages`. The core resolves packages a complete scan no longer
   * reports (DESIGN.md §3.5), so a scan that skipped anything (an unreadable line) must say false.
   */
  complete: boolean;
  /** Problems worth showing a person that did not stop the scan (a failed index refresh). */
  warnings: string[];
  /**
   * Every container on the host with its image's check (the docker plugin, issue 24 §5): the
   * engine's whole list, which replaces the host's inventory at the core. Absent: unknown.
   */
  containers?: ContainerInventoryItem[];
}

/** A package named in a request; `version` pins the exact candidate that was approved. */
export interface PackageRef {
  name: string;
  arch?: string;
  version?: string;
}

export interface DryRunRequest {
  packages: PackageRef[];
}

export interface InstallRequest {
  packages: PackageRef[];
  /** The transaction a person confirmed; the install refuses to run when a fresh dry run differs. */
  expected?: Transaction;
}

export interface InstallProgress {
  /** waiting: for a lock; download/install: the package manager's own phases; error: a package failed. */
  stage: 'waiting' | 'download' | 'install' | 'error' | 'output';
  /** 0–100 for the whole transaction, when known. */
  percent?: number;
  package?: string;
  message: string;
}

export interface RebootStatus {
  required: boolean;
  /** Packages that asked for the reboot, when known. */
  packages: string[];
  /** Human-readable reasons (`/run/reboot-required exists`, `running kernel is not the newest`). */
  reasons: string[];
}

export interface InstallResult {
  /** What actually changed, read back from the package database after the install. */
  changed: TransactionItem[];
  rebootRequired: RebootStatus;
  warnings: string[];
  /** What the plugin's own result says beside the packages (docker: each container's outcome). */
  details?: Record<string, unknown>;
}

/** What a plugin command (`PackageManager.commands`) answers: a line for people and its data. */
export interface PluginCommandResult {
  message: string;
  data: Record<string, unknown>;
}

/**
 * A command type beyond the package operations, run by the plugin (docker's `restart_container`);
 * its params were checked against the protocol's schema for the type before it is called.
 * Throws PluginError on failure (its `details` become the result's data).
 */
export type PluginCommand = (
  params: Record<string, unknown>,
  op: OperationContext,
) => Promise<PluginCommandResult>;

/** A `package-manager` plugin (DESIGN.md §7), created once per agent by the plugin's `create(ctx)`. */
export interface PackageManager {
  /** Is this package manager present here? Must not throw because it is absent. */
  detect(op: OperationContext): Promise<DetectResult>;
  /** Pending updates. */
  scan(op: OperationContext): Promise<ScanResult>;
  /** What installing these packages would change, without changing anything. */
  dryRun(request: DryRunRequest, op: OperationContext): Promise<Transaction>;
  /** Installs the upgrades, reporting progress as it goes. Throws PluginError on failure. */
  install(
    request: InstallRequest,
    onProgress: (progress: InstallProgress) => void,
    op: OperationContext,
  ): Promise<InstallResult>;
  rebootRequired(op: OperationContext): Promise<RebootStatus>;
  /** Packages the administrator pinned (held); scans mark them, installs refuse them. */
  holds(op: OperationContext): Promise<string[]>;
  /** The command types this plugin runs beside scans and installs (issue 24: `restart_container`). */
  readonly commands?: Readonly<Partial<Record<CommandType, PluginCommand>>>;
  /** Releases resources when the host stops. */
  dispose?(): Promise<void> | void;
  /**
   * `install()` calls `op.pointOfNoReturn()` right before the package manager starts changing
   * the system, so a cancel may stop it until then (issue 21 §6). Without it an install is past
   * its point of no return from its first step: the host cannot tell a safe moment to stop it.
   */
  readonly marksPointOfNoReturn?: boolean;
}
