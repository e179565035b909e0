import { commandParamsSchemas } from '../../../broker/protocol/index.js';
import { runScan } from '../../scanner.js';
import type { CommandRun } from '../command-run.js';
import { type CommandHandler, type HandlerOutcome } from '../handler.js';
import type { HandlerDeps } from './deps.js';

interface ScanParams {
  /** One plugin; all available plugins when absent. */
  plugin?: string;
  timeoutSeconds?: number;
}

/** `scan`: scan now. Each plugin's scan goes to the spool (before the result) like a scheduled one. */
export function scanHandler(deps: HandlerDeps): CommandHandler<ScanParams> {
  return {
    paramsSchema: commandParamsSchemas.scan,
    plugin: (params) => params.plugin,
    timeoutMs: 30 * 60_000,
    async run(params, run: CommandRun): Promise<HandlerOutcome> {
      const plugins = params.plugin ? [params.plugin] : deps.runtime.available();
      const scans: Array<Record<string, unknown>> = [];
      const failures: string[] = [];
      for (const plugin of plugins) {
        run.status(`scanning ${plugin}`);
        let outcome;
        try {
          outcome = await runScan(deps.scanner, plugin, {
            trigger: 'command',
            signal: run.signal,
            // Beyond the command's own limit, so that one fires first and the plugin stays enabled.
            timeoutMs: run.timeoutMs + 60_000,
          });
        } catch (err) {
          // Only a stop is a cancel; anything else went wrong and says what (issue 25 §2).
          if (run.signal.aborted) return { status: 'cancelled', data: { scans } };
          return { status: 'failed', error: `${plugin}: ${(err as Error).message}`, data: { scans } };
        }
        const { message, warnings } = outcome;
        for (const warning of warnings) run.line('stderr', `${plugin}: ${warning}`);
        if (message.error) {
          failures.push(`${plugin}: ${message.error}`);
          run.line('stderr', `${plugin}: scan failed: ${message.error}`);
        } else
          run.status(
            `${plugin}: ${message.packages.length} update(s)${message.complete ? '' : ' (incomplete)'}`,
          );
        scans.push({
          plugin,
          batchId: message.batchId,
          messageId: message.id,
          complete: message.complete,
          packages: message.packages.length,
          ...(message.error ? { error: message.error } : {}),
        });
      }
      if (plugins.length === 0)
        return { status: 'failed', error: 'no package manager is available on this host', data: { scans } };
      return failures.length
        ? { status: 'failed', error: failures.join('; '), data: { scans } }
        : { status: 'succeeded', exitCode: 0, data: { scans } };
    },
  };
}
