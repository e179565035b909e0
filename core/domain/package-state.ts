import type { PackageRef, PackageStatus, Severity } from '../../broker/protocol/api-types.js';

/** A package of a host as package_state keeps it: its key, versions, status and times. */
export interface PackageState extends PackageRef {
  currentVersion: string | null;
  availableVersion: string | null;
  severity: Severity;
  security: boolean;
  source: string | null;
  rebootRequired: boolean;
  status: PackageStatus;
  metadata: Record<string, unknown>;
  /** What the install workflow recorded: command ids, the dry run's transaction. */
  dependencies: Record<string, unknown> | null;
  firstSeenAt: Date;
  lastSeenAt: Date;
  statusChangedAt: Date;
}

export interface UpdateEvent {
  id: string;
  agentId: string;
  batchId: string | null;
  plugin: string;
  package: string;
  arch: string;
  fromVersion: string | null;
  toVersion: string | null;
  kind: 'discovered' | 'changed' | 'resolved' | 'installed' | 'failed';
  severity: string | null;
  occurredAt: Date;
}

export interface InstallOutcome {
  name: string;
  arch: string;
  result: 'succeeded' | 'failed';
  fromVersion: string | null;
  toVersion: string | null;
  message: string | null;
}
