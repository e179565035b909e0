import { commandParamsSchemas } from '../../../broker/protocol/index.js';
import type { CommandRun } from '../command-run.js';
import type { CommandHandler, HandlerOutcome } from '../handler.js';
import type { HandlerDeps } from './deps.js';

/**
 * `cancel`: stops another command (`params.commandId`) that is running or waiting for its
 * plugin's lock (it ends `cancelled`), or withdraws one that has not arrived yet (it will be
 * refused). Fails for a command that already finished here, and with `cannot_stop_safely` for
 * an install whose package manager is already changing the system: that one runs to its end
 * (issue 21 §6).
 */
export function cancelHandler(deps: HandlerDeps): CommandHandler<{ commandId: string }> {
  return {
    paramsSchema: commandParamsSchemas.cancel,
    timeoutMs: 60_000,
    async run(params, run: CommandRun): Promise<HandlerOutcome> {
      const outcome = await deps.cancel(params.commandId, { id: run.id, expiresAt: run.command.expiresAt });
      if (outcome === 'finished')
        return {
          status: 'failed',
          error: `command ${params.commandId} already finished on this agent`,
          data: { cancelled: false, commandId: params.commandId, state: outcome },
        };
      if (outcome === 'cannot_stop_safely') {
        const error = `cannot stop safely: command ${params.commandId} is past its point of no return (the package manager is changing the system), so it runs to its end`;
        run.line('stderr', error);
        return {
          status: 'failed',
          error,
          data: { cancelled: false, commandId: params.commandId, state: outcome, code: outcome },
        };
      }
      run.status(
        outcome === 'stopped'
          ? `stopped ${params.commandId}`
          : `withdrew ${params.commandId}: it will not run`,
      );
      return {
        status: 'succeeded',
        exitCode: 0,
        data: { cancelled: true, commandId: params.commandId, state: outcome },
      };
    },
  };
}
