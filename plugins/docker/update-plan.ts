import type { ScanPackage } from '../sdk/index.js';
import { composeFiles } from './compose.js';
import { containerName, type ContainerOps, type InspectedContainer } from './container-ops.js';
import { type ComposeInfo, composeInfo } from './engine-inventory.js';
import { affectedContainers, dependencyGraph, updateOrder } from './update-order.js';

/** One image to pull, from its scan record. */
export interface PlannedPull {
  reference: string;
  remoteDigest: string;
}

/**
 * One container's step. `engine`: stopped, kept under a backup name, created again with its
 * configuration on `image`, started, the backup removed (restored on failure). `compose`: the
 * project's own `up -d --no-deps <service>`. `restart`: it depends on one that is recreated.
 */
export interface PlannedContainer {
  id: string;
  name: string;
  /** Why it is touched: its image is updated, or it depends on one that is recreated. */
  reason: 'image' | 'network' | 'depends_on';
  via: 'engine' | 'compose' | 'restart';
  /** The reference it is created from (its own when it only follows a dependency). */
  image: string;
  /** The names it waits for in this plan. */
  after: string[];
  wasRunning: boolean;
  compose?: ComposeInfo & { files: string[] };
  /** Why a compose-labelled container goes through the engine after all. */
  note?: string;
}

export interface UpdatePlan {
  pulls: PlannedPull[];
  /** In the order they are updated: every container after those it depends on. */
  containers: PlannedContainer[];
  /** The host's containers as inspected for the plan, by id. */
  inspected: Map<string, InspectedContainer>;
}

/**
 * What installing these scan records does, read from the engine without changing anything;
 * the dry run says it, the install runs it. A dependency cycle throws (dependency-cycle).
 */
export async function planUpdate(
  ops: ContainerOps,
  records: readonly ScanPackage[],
  composeCommand: readonly string[] | null,
  signal: AbortSignal,
): Promise<UpdatePlan> {
  const list = await ops.engine.get<{ Id: string }[]>('/containers/json?all=true', signal);
  const all = await Promise.all((list ?? []).map((c) => ops.inspect(c.Id, signal)));
  const inspected = new Map(all.map((c) => [c.Id, c]));
  const imageOf = new Map<string, string>();
  for (const record of records) for (const id of record.containerIds ?? []) imageOf.set(id, record.name);
  const graph = dependencyGraph(all);
  const affected = affectedContainers(new Set([...imageOf.keys()].filter((id) => inspected.has(id))), graph);
  const nameOf = (id: string) => containerName(inspected.get(id)!);
  const order = updateOrder([...affected.keys()], graph, nameOf);
  const containers = order.map((id): PlannedContainer => {
    const c = inspected.get(id)!;
    const reason = affected.get(id)!;
    const after = (graph.get(id) ?? []).filter((d) => affected.has(d.id)).map((d) => nameOf(d.id));
    const base = {
      id,
      name: nameOf(id),
      reason,
      image: imageOf.get(id) ?? c.Config.Image ?? c.Image,
      after,
      wasRunning: c.State.Running === true,
    };
    if (reason === 'depends_on') return { ...base, via: 'restart' };
    const info = composeInfo(c.Config.Labels ?? {});
    if (!info || reason === 'network') return { ...base, via: 'engine' };
    const files = composeFiles(info);
    if (!files)
      return {
        ...base,
        via: 'engine',
        note: `compose project ${info.project}, files ${info.configFiles.join(', ') || '(none)'} not found`,
      };
    if (!composeCommand)
      return {
        ...base,
        via: 'engine',
        note: `compose project ${info.project}, no compose program on this host`,
      };
    return { ...base, via: 'compose', compose: { ...info, files } };
  });
  return {
    pulls: records.map((r) => ({ reference: r.name, remoteDigest: r.remoteDigest ?? '' })),
    containers,
    inspected,
  };
}

/** The plan in words, one step a line, in the order it runs. */
export function describePlan(plan: UpdatePlan, composeCommand: readonly string[] | null): string[] {
  const steps = plan.pulls.map((p) => `pull ${p.reference}${p.remoteDigest ? ` (${p.remoteDigest})` : ''}`);
  for (const c of plan.containers) steps.push(describeContainer(c, composeCommand));
  return steps.map((step, i) => `step ${i + 1}: ${step}`);
}

function describeContainer(c: PlannedContainer, composeCommand: readonly string[] | null): string {
  const after = c.after.length ? `, after ${c.after.join(', ')}` : '';
  const stopped = c.wasRunning ? '' : ' (stopped: it stays stopped)';
  if (c.via === 'restart') return `restart container ${c.name} (it depends on ${c.after.join(', ')})`;
  if (c.via === 'compose')
    return `recreate container ${c.name} with compose: ${composeCommand!.join(' ')} -p ${c.compose!.project} ${c.compose!.files.map((f) => `-f ${f}`).join(' ')} up -d --no-deps ${c.compose!.service}${after}${stopped}`;
  const why = c.reason === 'network' ? ` (shares the network of ${c.after.join(', ')})` : '';
  const note = c.note ? ` (${c.note}: recreated by the engine)` : '';
  return `recreate container ${c.name} on ${c.image}${why}${note}${after}${stopped}`;
}
