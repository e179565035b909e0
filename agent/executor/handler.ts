import type { ResultStatus } from '../../broker/protocol/index.js';
import type { CommandRun } from './command-run.js';

export interface HandlerOutcome {
  /** `rejected`: the agent refused to run it on policy (a reboot that is not enabled here). */
  status: ResultStatus;
  error?: string;
  exitCode?: number;
  data?: Record<string, unknown>;
  /**
   * The agent must restart to finish this command (`update_agent`): no result now; the next
   * run sends it (agent/update/trial.ts), and the journal keeps the command open until then.
   */
  restart?: boolean;
  /**
   * Work that follows the result, once it is spooled (the inventory re-read after an install,
   * issue 21 §3); `signal` aborts when the agent stops.
   */
  followUp?(signal: AbortSignal): Promise<void>;
}

/** What the agent does for one command type. */
export interface CommandHandler<P = Record<string, unknown>> {
  /** JSON schema of `params` (ajv, strict); a command whose params break it is refused `invalid_params`. */
  paramsSchema: object;
  /** The plugin the command needs; refused `unknown_type` when this host does not have it. */
  plugin?(params: P): string | undefined;
  /**
   * False while this agent cannot run the type (a plugin command whose plugin is not available):
   * then it is left out of the hello and refused `unknown_type`, as a type without a handler.
   */
  available?(): boolean;
  /** Default time limit; `params.timeoutSeconds` overrides it. */
  timeoutMs: number;
  run(params: P, run: CommandRun): Promise<HandlerOutcome>;
}

// The params schemas are the protocol's (issue 22 §1), shared with the core's issue path.
export { packageRefsSchema, pluginNameSchema, timeoutParam } from '../../broker/protocol/index.js';

/** The exit status a package manager reported in a failure message (`apt-get exited with 100`). */
export function exitCodeFrom(message: string): number | undefined {
  const match = /exited with (\d+)/.exec(message);
  return match ? Number(match[1]) : undefined;
}
