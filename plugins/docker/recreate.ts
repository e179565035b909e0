import { errorMessage } from '../sdk/index.js';
import { containerSpec } from './container-spec.js';
import { restorePrevious } from './rollback.js';
import type { PlannedContainer } from './update-plan.js';
import { backupName, type ContainerOutcome, type UpdateRun } from './update-run.js';

/**
 * Recreates one container through the engine with its exact previous configuration on
 * `planned.image`: stop it, keep it under a backup name, create the new one under its name,
 * join its other networks, start it and wait for it to run (and be healthy). Any failure
 * removes the new one and restores the kept one; on success the kept one is removed at the
 * end of the install (a dependent may still share its namespace until then).
 */
export async function recreateWithEngine(
  run: UpdateRun,
  planned: PlannedContainer,
): Promise<ContainerOutcome> {
  const { ops, op } = run;
  const old = await ops.inspect(planned.id, op.signal);
  const oldImage = await ops.inspectImage(old.Image, op.signal);
  const spec = containerSpec(old, oldImage, planned.image, run.renamed);
  const result = {
    name: planned.name,
    id: old.Id,
    image: planned.image,
    via: 'engine' as const,
    ...(planned.note ? { note: planned.note } : {}),
  };
  run.log(`${planned.name}: stopping and keeping it as ${backupName(planned.name)}`);
  await ops.stop(old.Id, op.signal);
  await ops.rename(old.Id, backupName(planned.name), op.signal);
  let newId: string | undefined;
  try {
    newId = await ops.create(spec.name, spec.body, op.signal);
    for (const [network, endpoint] of Object.entries(spec.moreNetworks))
      await ops.connect(network, newId, endpoint, op.signal);
    if (planned.wasRunning) {
      run.log(`${planned.name}: starting on ${planned.image}`);
      await ops.start(newId, op.signal);
      const problem = await ops.waitReady(newId, { ...run.ready, signal: op.signal });
      if (problem) throw new Error(`the new container did not start: ${problem}`);
    }
  } catch (error) {
    const reason = errorMessage(error);
    run.log(`${planned.name}: ${reason}; restoring the previous container`);
    const restore = await restorePrevious(
      run,
      { id: old.Id, name: planned.name, wasRunning: planned.wasRunning },
      newId,
    );
    return restore
      ? {
          ...result,
          outcome: 'failed',
          reason: `${reason}; restoring the previous container failed: ${restore}`,
        }
      : { ...result, outcome: 'rolled_back', reason };
  }
  run.renamed.set(old.Id, spec.name);
  run.backups.push({ id: old.Id, name: planned.name });
  return { ...result, newId, outcome: planned.reason === 'image' ? 'updated' : 'recreated' };
}

/** A container that only waits for one that was recreated: restarted after it, then checked. */
export async function restartDependent(run: UpdateRun, planned: PlannedContainer): Promise<ContainerOutcome> {
  const result = { name: planned.name, id: planned.id, image: planned.image, via: 'restart' as const };
  if (!planned.wasRunning) return { ...result, outcome: 'restarted', reason: 'it was stopped: left stopped' };
  try {
    await run.ops.restart(planned.id, run.op.signal);
    const problem = await run.ops.waitReady(planned.id, { ...run.ready, signal: run.op.signal });
    return problem ? { ...result, outcome: 'failed', reason: problem } : { ...result, outcome: 'restarted' };
  } catch (error) {
    return { ...result, outcome: 'failed', reason: errorMessage(error) };
  }
}
