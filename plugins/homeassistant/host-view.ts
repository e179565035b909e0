import {
  type FleetAgent,
  type FleetPackage,
  type FleetReader,
  OUTSTANDING_PACKAGE_STATUSES,
} from '../sdk/index.js';
import { containerKey } from './topics.js';

/** Statuses of an update still to install (the panel's "pending" count): the contract's list. */
export const OPEN_STATUSES: ReadonlySet<string> = new Set(OUTSTANDING_PACKAGE_STATUSES);

/** Statuses an install from HA may approve: what the state machine lets `approve` move. */
export const APPROVABLE_STATUSES = new Set(['pending', 'failed']);

/**
 * Statuses during which RedFlag is working on an install. `approved` is not one: an approval
 * moves on to its dry run at once, so one that stays waits for a maintenance window.
 */
export const BUSY_STATUSES = new Set(['checking_dependencies', 'installing']);

/** The package manager whose records are containers (DESIGN.md §4: Docker records). */
export const CONTAINER_PLUGIN = 'docker';

export interface ContainerView {
  key: string;
  name: string;
  record: FleetPackage;
}

/** What one host looks like to Home Assistant, read from the fleet in one go. */
export interface HostView {
  agent: FleetAgent;
  /** OS package records (every package manager but Docker), every status. */
  packages: FleetPackage[];
  containers: ContainerView[];
  /** The device identifier of its Proxmox node when known (proxmox-nodes.ts), for `via_device`. */
  via: string | null;
}

export async function readHost(
  fleet: FleetReader,
  agent: FleetAgent,
  via: string | null = null,
): Promise<HostView> {
  const all = await fleet.packages(agent.id);
  const containers = new Map<string, ContainerView>();
  for (const record of all)
    // A resolved container record is one the host no longer reports: the container is gone.
    if (record.plugin === CONTAINER_PLUGIN && record.status !== 'resolved') {
      const key = containerKey(record.name);
      containers.set(key, { key, name: record.name, record });
    }
  return {
    agent,
    packages: all.filter((p) => p.plugin !== CONTAINER_PLUGIN),
    containers: [...containers.values()].sort((a, b) => a.key.localeCompare(b.key)),
    via,
  };
}
