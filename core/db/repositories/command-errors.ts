/** A command was asked for an agent that does not exist or is revoked. */
export class InactiveAgentError extends Error {
  override name = 'InactiveAgentError';
  constructor(readonly agentId: string) {
    super(`no active agent with id ${agentId}`);
  }
}

/**
 * A command of a type the agent has no handler for (issue 21 §7): it is not queued, since the
 * agent would only refuse it `unknown_type`. `runs` is what the agent's hello listed, or the
 * v1 baseline for an agent whose hello had no list or that has not said hello yet.
 */
export class UnsupportedCommandTypeError extends Error {
  override name = 'UnsupportedCommandTypeError';
  constructor(
    readonly agentId: string,
    readonly hostname: string,
    readonly type: string,
    readonly runs: string[],
  ) {
    super(`agent ${hostname} (${agentId}) does not run ${type} commands; it runs ${runs.join(', ')}`);
  }
}
