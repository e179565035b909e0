import { Command } from 'commander';
import { AGENT_VERSION } from './version.js';

/**
 * `redflag-agent`: the host agent. The entry point and its help exist from the foundation on;
 * register, run, scan, list-updates, status and unregister arrive with the agent issue.
 */
export function buildAgentCli(): Command {
  return new Command('redflag-agent')
    .description('RedFlag host agent: reports pending updates to a RedFlag core and installs them on command')
    .version(AGENT_VERSION)
    .showHelpAfterError()
    .action(function (this: Command) {
      this.help();
    });
}

await buildAgentCli().parseAsync(process.argv);
