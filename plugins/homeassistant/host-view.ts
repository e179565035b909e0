import {
  type ContainerReader,
  type FleetAgent,
  type FleetContainer,
  type FleetPackage,
  type FleetReader,
  groupByAgent,
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

/** The package manager whose records are containers' images (DESIGN.md §4: Docker records). */
export const CONTAINER_PLUGIN = 'docker';

/** One container with an update entity: keyed by its name, stable across recreates. */
export interface ContainerView {
  key: string;
  name: string;
  /** The host's inventory row (ctx.containers); `update` is its image's docker record. */
  container: FleetContainer;
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

/** Where a host's view comes from: the fleet's records and the container inventory. */
export interface HostSources {
  fleet: FleetReader;
  containers: ContainerReader;
}

/** One host's view: a change on that host reads only its own records. */
export async function readHost(
  sources: HostSources,
  agent: FleetAgent,
  via: string | null = null,
): Promise<HostView> {
  const [packages, inventory] = await Promise.all([
    sources.fleet.packages(agent.id),
    sources.containers.list({ agentId: agent.id }),
  ]);
  return hostView(agent, packages, inventory, via);
}

/**
 * Every given host's view for a full publish, by agent id: the fleet's package states and
 * container inventory in one query each, grouped by host here, so 200 hosts cost the same two
 * reads as one. Grouping keeps the order of the fleet's read, which sorts each host's records
 * as its own read does, so a host's view, and every payload made from it, is `readHost`'s.
 */
export async function readHosts(
  sources: HostSources,
  agents: readonly FleetAgent[],
  via: ReadonlyMap<string, string>,
): Promise<Map<string, HostView>> {
  const [packages, inventory] = await Promise.all([sources.fleet.packages(), sources.containers.list()]);
  const packagesOf = groupByAgent(packages);
  const inventoryOf = groupByAgent(inventory);
  return new Map(
    agents.map((agent) => [
      agent.id,
      hostView(
        agent,
        packagesOf.get(agent.id) ?? [],
        inventoryOf.get(agent.id) ?? [],
        via.get(agent.id) ?? null,
      ),
    ]),
  );
}

function hostView(
  agent: FleetAgent,
  packages: readonly FleetPackage[],
  inventory: readonly FleetContainer[],
  via: string | null,
): HostView {
  return {
    agent,
    packages: packages.filter((p) => p.plugin !== CONTAINER_PLUGIN),
    containers: containerViews(inventory),
    via,
  };
}

/**
 * One entity per container the host's docker scan listed (issue 26 §1), except those whose image
 * has no update source (built locally, pinned by digest: `not_checkable`), by container name.
 */
export function containerViews(inventory: readonly FleetContainer[]): ContainerView[] {
  const views = new Map<string, ContainerView>();
  for (const container of inventory)
    if (container.checkStatus !== 'not_checkable') {
      const key = containerKey(container.name);
      views.set(key, { key, name: container.name, container });
    }
  return [...views.values()].sort((a, b) => a.key.localeCompare(b.key));
}
