import { errorMessage, type PluginContext } from '../sdk/index.js';
import { composeUp } from './compose.js';
import type { DockerConfig } from './config.js';
import { parseImageReference, repositoryName } from './image-reference.js';
import type { PlannedContainer } from './update-plan.js';
import type { ContainerOutcome, UpdateRun } from './update-run.js';

/**
 * A compose service updated by its own project: `up -d --no-deps <service>` recreates it on the
 * image just pulled; then it must run (and be healthy). On failure the tag goes back to the
 * previous image and compose runs again, which recreates it as it was.
 */
export async function updateWithCompose(
  ctx: PluginContext<DockerConfig>,
  run: UpdateRun,
  planned: PlannedContainer,
  command: readonly string[],
): Promise<ContainerOutcome> {
  const { ops, op } = run;
  const compose = planned.compose!;
  const old = await ops.inspect(planned.id, op.signal);
  const result = { name: planned.name, id: old.Id, image: planned.image, via: 'compose' as const };
  const up = async () => {
    await composeUp(ctx, command, compose, compose.files, ops.engine.socketPath, op, (l) =>
      run.log(`${planned.name}: ${l}`),
    );
    const now = await ops.inspect(planned.name, op.signal);
    if (planned.wasRunning) {
      const problem = await ops.waitReady(now.Id, { ...run.ready, signal: op.signal });
      if (problem) throw new Error(`the new container did not start: ${problem}`);
    }
    return now;
  };
  try {
    run.log(
      `${planned.name}: ${command.join(' ')} up -d --no-deps ${compose.service} (project ${compose.project})`,
    );
    const now = await up();
    if (now.Id === old.Id) throw new Error(`${command.join(' ')} did not recreate it`);
    return { ...result, newId: now.Id, outcome: 'updated' };
  } catch (error) {
    const reason = errorMessage(error);
    run.log(
      `${planned.name}: ${reason}; putting the tag back on the previous image and running compose again`,
    );
    try {
      const ref = parseImageReference(planned.image);
      await ops.tagImage(old.Image, repositoryName(ref), ref.tag ?? 'latest', op.signal);
      const restored = await up();
      return { ...result, newId: restored.Id, outcome: 'rolled_back', reason };
    } catch (restoreError) {
      return {
        ...result,
        outcome: 'failed',
        reason: `${reason}; restoring the previous image failed: ${errorMessage(restoreError)}`,
      };
    }
  }
}
