import type { Transaction, TransactionItem } from '../../broker/protocol/index.js';
import type { Command, Database, PackageRef, PackageStatus } from '../db/index.js';
import type { EventRecorder, LiveBus } from '../events/index.js';

/** What a dry run reports, as it arrives in a result's `data.transaction`: the wire's own type. */
export type { Transaction, TransactionItem };

/** The commands the workflow issues; in production the dispatcher. */
export interface WorkflowCommands {
  issue(req: {
    agentId: string;
    type: 'dry_run' | 'install';
    params: Record<string, unknown>;
    source: 'manual' | 'policy';
    createdBy: string | null;
    dedupKey: string;
  }): Promise<{ command: Command; created: boolean }>;
}

export interface WorkflowContext {
  db: Database;
  events: EventRecorder;
  commands: WorkflowCommands;
  /** Maintenance windows (core/policy): outside one, approved packages wait in `approved`. */
  mayInstallNow?(agentId: string): Promise<boolean>;
  /** Package moves go out as `package.status`, one event per host, plugin and target state. */
  bus?: LiveBus;
}

/** The confirmation named a dry run that is no longer the one waiting (a newer one replaced it). */
export class TransactionChangedError extends Error {
  override name = 'TransactionChangedError';
  constructor(
    readonly reviewed: string,
    readonly waiting: string | null,
  ) {
    super(
      `the transaction waiting now comes from dry run ${waiting ?? '(unknown)'}, not ${reviewed} that was reviewed; review it again`,
    );
  }
}

export interface Refusal {
  ref: PackageRef;
  from: PackageStatus | null;
  why: string;
}

/** A package's key within one host's plugin: name and arch (arch may be unknown). */
export const packageKey = (name: string, arch: string | undefined) => `${name}\u0000${arch ?? ''}`;

export function groupByAgentPlugin<T extends { agentId: string; plugin: string }>(
  refs: T[],
): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const ref of refs) {
    const k = `${ref.agentId}\u0000${ref.plugin}`;
    groups.set(k, [...(groups.get(k) ?? []), ref]);
  }
  return groups;
}
