import { type OperationContext, PluginError } from '../sdk/index.js';
import { containerName, ContainerOps } from './container-ops.js';
import type { DockerSession } from './session.js';

/** `restart_container`'s params, checked against the protocol's schema before they get here. */
export interface RestartParams {
  container: string;
}

/**
 * `restart_container`: the engine restarts the container (id or name), and the result says
 * whether it runs again (and is healthy, when it has a health check) within the configured
 * time. A container that does not come back fails the command with the reason.
 */
export async function restartContainer(
  session: DockerSession,
  params: Record<string, unknown>,
  op: OperationContext,
): Promise<{ message: string; data: Record<string, unknown> }> {
  const { container } = params as unknown as RestartParams;
  const config = session.ctx.config;
  const ops = new ContainerOps(await session.engine(op), config.stopTimeoutSeconds);
  const before = await ops.inspect(container, op.signal).catch((error: unknown) => {
    if (error instanceof PluginError && error.code === 'engine-not-found')
      throw new PluginError(`no container ${container} on this host`, { code: 'no-such-container' });
    throw error;
  });
  const name = containerName(before);
  op.pointOfNoReturn();
  await ops.restart(before.Id, op.signal);
  const problem = await ops.waitReady(before.Id, {
    timeoutMs: config.healthTimeoutSeconds * 1000,
    graceMs: config.startupGraceSeconds * 1000,
    signal: op.signal,
  });
  const after = await ops.inspect(before.Id, op.signal);
  const data = {
    container: name,
    id: before.Id,
    state: after.State.Status ?? null,
    health: after.State.Health?.Status || null,
  };
  if (problem)
    throw new PluginError(`${name} was restarted but ${problem}`, { code: 'restart-failed', details: data });
  return { message: `${name} restarted`, data };
}
