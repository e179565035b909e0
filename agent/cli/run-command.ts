import { type Command, Option } from 'commander';
import { AgentStartError, startAgent } from '../daemon.js';
import { type AgentLogLevel, createAgentLogger, LOG_LEVELS } from '../log.js';
import { type CliIo, type CommonOptions, pathsOf, withCommonOptions } from './common.js';
import { CliError } from './exit-codes.js';

interface RunOptions extends CommonOptions {
  logLevel: AgentLogLevel;
}

export function runCommand(program: Command, io: CliIo): void {
  withCommonOptions(
    program
      .command('run')
      .description('run the agent: report updates, run commands from the core (logs JSON lines to stdout)')
      .addOption(new Option('--log-level <level>', 'log level').choices(LOG_LEVELS).default('info')),
  ).action(async (options: RunOptions) => {
    const paths = pathsOf(options);
    const logger = createAgentLogger(options.logLevel);
    let agent;
    try {
      agent = await startAgent({ ...paths, logger });
    } catch (err) {
      if (err instanceof AgentStartError) throw new CliError(err.message, err.exitCode);
      throw err;
    }
    // Runs until SIGTERM (systemd) or SIGINT (Ctrl-C); running commands get a grace period.
    await new Promise<void>((resolve) => {
      const stop = (signal: NodeJS.Signals) => {
        logger.info({ signal }, 'stopping');
        process.off('SIGTERM', stop);
        process.off('SIGINT', stop);
        void agent.stop().then(resolve, (err: unknown) => {
          io.stderr.write(`redflag-agent: stopping failed: ${(err as Error).message}\n`);
          resolve();
        });
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    });
  });
}
