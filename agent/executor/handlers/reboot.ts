import { commandParamsSchemas } from '../../../broker/protocol/index.js';
import { describeFailure, runProcess, succeeded } from '../../../plugins/sdk/index.js';
import type { CommandRun } from '../command-run.js';
import { type CommandHandler, type HandlerOutcome } from '../handler.js';
import type { HandlerDeps } from './deps.js';

/**
 * `reboot`: only where the host's own config allows it (`reboot.allowed`, off by default; a
 * signed set_config may turn it on). Otherwise the command ends `rejected` with a result
 * saying how to enable it. The reboot itself is an argument vector (`systemctl reboot`).
 */
export function rebootHandler(deps: HandlerDeps): CommandHandler<{ timeoutSeconds?: number }> {
  return {
    paramsSchema: commandParamsSchemas.reboot,
    timeoutMs: 2 * 60_000,
    async run(_params, run: CommandRun): Promise<HandlerOutcome> {
      const policy = deps.reboot();
      if (!policy.allowed) {
        const error = `reboots are not enabled on this host: set "reboot": { "allowed": true } in ${policy.configPath} (or send a signed set_config with allowReboot) to allow them`;
        run.line('stderr', error);
        return { status: 'rejected', error, data: { rebooting: false } };
      }
      const [program = 'systemctl', ...args] = policy.command;
      run.status(`rebooting: ${[program, ...args].join(' ')}`);
      const result = await runProcess(program, args, {
        timeoutMs: run.timeoutMs,
        signal: run.signal,
        onStdoutLine: (l) => run.line('stdout', l),
        onStderrLine: (l) => run.line('stderr', l),
      });
      if (result.aborted) return { status: 'cancelled', data: { rebooting: false } };
      return succeeded(result)
        ? { status: 'succeeded', exitCode: 0, data: { rebooting: true } }
        : {
            status: 'failed',
            error: describeFailure(result),
            exitCode: result.exitCode ?? 1,
            data: { rebooting: false },
          };
    },
  };
}
