import { commandParamsSchemas } from '../../../broker/protocol/index.js';
import type { CommandRun } from '../command-run.js';
import type { CommandHandler, HandlerOutcome } from '../handler.js';
import type { HandlerDeps } from './deps.js';

/** Command types a plugin runs (`PackageManager.commands`), not the agent itself. */
export type PluginCommandType = 'restart_container';

/**
 * A command type run by whichever available plugin says it runs it (docker's
 * `restart_container`, issue 24 §4), under that plugin's lock: a restart waits for an update of
 * the same engine. Without such a plugin the agent does not run the type at all.
 */
export function pluginCommandHandler(deps: HandlerDeps, type: PluginCommandType): CommandHandler {
  return {
    paramsSchema: commandParamsSchemas[type],
    available: () => deps.runtime.commandPlugin(type) !== undefined,
    timeoutMs: 10 * 60_000,
    async run(params, run: CommandRun): Promise<HandlerOutcome> {
      const plugin = deps.runtime.commandPlugin(type);
      if (!plugin) return { status: 'failed', error: `no plugin on this host runs ${type}` };
      run.status(`${type} with ${plugin}`);
      const { timeoutSeconds: _, ...rest } = params;
      let outcome;
      try {
        outcome = await deps.runtime.exclusive(plugin, run.signal, (pm) =>
          pm.command(type, rest, { signal: run.signal, timeoutMs: run.timeoutMs + 60_000 }),
        );
      } catch {
        return { status: 'cancelled' }; // cancelled while waiting for the plugin's lock
      }
      if (!outcome.ok)
        return outcome.reason === 'cancelled'
          ? { status: 'cancelled' }
          : {
              status: 'failed',
              error: outcome.message,
              exitCode: 1,
              data: { plugin, ...(outcome.details ? { details: outcome.details } : {}) },
            };
      run.status(outcome.value.message);
      return { status: 'succeeded', exitCode: 0, data: { plugin, ...outcome.value.data } };
    },
  };
}
