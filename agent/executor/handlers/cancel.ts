import type { CommandRun } from '../command-run.js';
import type { CommandHandler, HandlerOutcome } from '../handler.js';
import type { HandlerDeps } from './deps.js';

/**
 * `cancel`: stops another command (`params.commandId`) that is running or waiting for its
 * plugin's lock (it ends `cancelled`), or withdraws one that has not arrived yet (it will be
 * refused). Fails for a command that already finished here.
 */
export function cancelHandler(deps: HandlerDeps): CommandHandler<{ commandId: string }> {
  return {
    paramsSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['commandId'],
      properties: {
        commandId: {
          type: 'string',
          pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$',
        },
      },
    },
    timeoutMs: 60_000,
    async run(params, run: CommandRun): Promise<HandlerOutcome> {
      const outcome = await deps.cancel(params.commandId, { id: run.id, expiresAt: run.command.expiresAt });
      if (outcome === 'finished')
        return {
          status: 'failed',
          error: `command ${params.commandId} already finished on this agent`,
          data: { cancelled: false, commandId: params.commandId },
        };
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
