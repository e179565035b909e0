import type { Command, CommandStatus } from '../../../core/db/index.js';
import type { RestartableCore } from './restartable-core.js';
import { until } from './agent-fixture.js';

const FINAL: ReadonlySet<CommandStatus> = new Set([
  'succeeded',
  'failed',
  'timed_out',
  'cancelled',
  'rejected',
]);

/** The command's row once it is final (or in one of `statuses`). */
export function commandIn(
  core: RestartableCore,
  id: string,
  statuses?: CommandStatus[],
  timeoutMs = 20_000,
): Promise<Command> {
  return until(
    `command ${id} to be ${statuses?.join('|') ?? 'final'}`,
    async () => {
      const c = await core.core.db.commands.findById(id);
      return c && (statuses ? statuses.includes(c.status) : FINAL.has(c.status)) ? c : null;
    },
    timeoutMs,
  );
}

/** Issues a command through the core's dispatcher, as the API does. */
export async function issue(
  core: RestartableCore,
  agentId: string,
  type: Parameters<RestartableCore['core']['dispatcher']['issue']>[0]['type'],
  params: Record<string, unknown> = {},
): Promise<Command> {
  const { command } = await core.core.dispatcher.issue({ agentId, type, params });
  return command;
}

/**
 * Resolves once the core has handled the agent's connect: its per-agent queue takes the
 * subscription (config, pending commands) before the hello, so an applied hello means a
 * command created from now on is the test's own.
 */
export async function settledAtCore(
  core: RestartableCore,
  agentId: string,
  since = new Date(0),
): Promise<void> {
  await until('the core to apply the hello', async () => {
    const agent = await core.core.db.agents.findById(agentId);
    return agent?.online && agent.capabilities.length > 0 && (agent.lastSeenAt ?? new Date(0)) >= since;
  });
}
