import { type Command, Option } from 'commander';
import { AgentStartError, startAgent } from '../daemon.js';
import {
  type AgentLogFormat,
  type AgentLogLevel,
  createAgentLoggerWithFormat,
  LOG_FORMATS,
  LOG_LEVELS,
} from '../log.js';
import { type CliIo, type CommonOptions, pathsOf, withCommonOptions } from './common.js';
import { CliError, EXIT } from './exit-codes.js';

interface RunOptions extends CommonOptions {
  logLevel: AgentLogLevel;
  logFormat: AgentLogFormat;
}

export function runCommand(program: Command, io: CliIo): void {
  withCommonOptions(
    program
      .command('run')
      .description('run the agent: report updates, run commands from the core (logs to stdout)')
      .addOption(new Option('--log-level <level>', 'log level').choices(LOG_LEVELS).default('info'))
      .addOption(
        new Option('--log-format <format>', 'JSON lines, readable lines, or auto: readable on a terminal')
          .choices(LOG_FORMATS)
          .default('auto'),
      ),
  ).action(async (options: RunOptions) => {
    const paths = pathsOf(options);
    const logger = await createAgentLoggerWithFormat(options.logLevel, options.logFormat);
    let agent;
    try {
      agent = await startAgent({ ...paths, logger });
    } catch (err) {
      if (err instanceof AgentStartError) throw new CliError(err.message, err.exitCode);
      throw err;
    }
    // Runs until SIGTERM (systemd) or SIGINT (Ctrl-C); running commands get a grace period.
    // A self-update ends it too, with exit 75 so systemd (Restart=on-failure) or the launcher
    // starts the new version.
    const restart = await new Promise<string | null>((resolve) => {
      const stop = (why: NodeJS.Signals | { restart: string }) => {
        logger.info(typeof why === 'string' ? { signal: why } : why, 'stopping');
        process.off('SIGTERM', stop);
        process.off('SIGINT', stop);
        const restarting = typeof why === 'string' ? null : why.restart;
        void agent.stop().then(
          () => resolve(restarting),
          (err: unknown) => {
            io.stderr.write(`redflag-agent: stopping failed: ${(err as Error).message}\n`);
            resolve(restarting);
          },
        );
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
      agent.events.once('restart', (reason) => stop({ restart: reason }));
    });
    if (restart) throw new CliError(`restarting to finish ${restart}`, EXIT.RESTART);
  });
}
