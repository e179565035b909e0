import { PluginError } from '../sdk/index.js';
import { containerName, type InspectedContainer } from './container-ops.js';
import { COMPOSE_LABELS } from './engine-inventory.js';

/** Compose v2 writes a service's `depends_on` on its containers: `db:service_started:false,…`. */
export const DEPENDS_ON_LABEL = 'com.docker.compose.depends_on';

/**
 * How one container needs another: `network` shares its network namespace (`network_mode:
 * container:…` or compose's `service:…`), so it must be recreated when the other is (its
 * namespace is gone); `depends_on` only starts after it, so it is restarted.
 */
export type DependencyKind = 'network' | 'depends_on';

export interface Dependency {
  /** The container depended on. */
  id: string;
  kind: DependencyKind;
}

/** What each container depends on, among the host's containers. */
export function dependencyGraph(containers: readonly InspectedContainer[]): Map<string, Dependency[]> {
  const byName = new Map(containers.map((c) => [containerName(c), c.Id]));
  const resolve = (ref: string) =>
    byName.get(ref) ?? containers.find((c) => ref.length >= 12 && c.Id.startsWith(ref))?.Id;
  const graph = new Map<string, Dependency[]>();
  for (const c of containers) {
    const found: Dependency[] = [];
    const provider = /^container:(.+)$/.exec(c.HostConfig.NetworkMode ?? '')?.[1];
    const providerId = provider ? resolve(provider) : undefined;
    if (providerId) found.push({ id: providerId, kind: 'network' });
    const labels = c.Config.Labels ?? {};
    const project = labels[COMPOSE_LABELS.project];
    for (const entry of (labels[DEPENDS_ON_LABEL] ?? '').split(',').filter(Boolean)) {
      const service = entry.split(':')[0];
      for (const other of containers) {
        const theirs = other.Config.Labels ?? {};
        if (other.Id === c.Id || theirs[COMPOSE_LABELS.project] !== project) continue;
        if (theirs[COMPOSE_LABELS.service] === service && !found.some((d) => d.id === other.Id))
          found.push({ id: other.Id, kind: 'depends_on' });
      }
    }
    graph.set(c.Id, found);
  }
  return graph;
}

/**
 * The containers an update touches: those it recreates (`direct`), and every container that
 * depends on one of them, directly or through another, with how (a network dependent is
 * recreated, so its own dependents are touched the same way).
 */
export function affectedContainers(
  direct: ReadonlySet<string>,
  graph: ReadonlyMap<string, Dependency[]>,
): Map<string, DependencyKind | 'image'> {
  const affected = new Map<string, DependencyKind | 'image'>([...direct].map((id) => [id, 'image']));
  let grew = true;
  while (grew) {
    grew = false;
    for (const [id, deps] of graph) {
      if (affected.has(id)) continue;
      const via = deps.filter((d) => affected.has(d.id));
      if (!via.length) continue;
      affected.set(id, via.some((d) => d.kind === 'network') ? 'network' : 'depends_on');
      grew = true;
    }
  }
  return affected;
}

/**
 * The order to update `ids` in: every container after the ones it depends on (a topological
 * order, ties by name). A cycle is an error naming its containers, not a hang.
 */
export function updateOrder(
  ids: readonly string[],
  graph: ReadonlyMap<string, Dependency[]>,
  nameOf: (id: string) => string,
): string[] {
  const wanted = new Set(ids);
  const waitingOn = new Map(
    ids.map((id) => [id, new Set((graph.get(id) ?? []).map((d) => d.id).filter((d) => wanted.has(d)))]),
  );
  const order: string[] = [];
  while (waitingOn.size) {
    const ready = [...waitingOn].filter(([, deps]) => deps.size === 0).map(([id]) => id);
    if (!ready.length) {
      const names = [...waitingOn.keys()].map(nameOf).sort();
      throw new PluginError(`these containers depend on each other in a cycle: ${names.join(', ')}`, {
        code: 'dependency-cycle',
        details: { containers: names },
      });
    }
    ready.sort((a, b) => nameOf(a).localeCompare(nameOf(b)));
    for (const id of ready) {
      order.push(id);
      waitingOn.delete(id);
      for (const deps of waitingOn.values()) deps.delete(id);
    }
  }
  return order;
}
