import { Command, CommanderError } from 'commander';
import { AGENT_VERSION } from '../version.js';
import type { CliIo } from './common.js';
import { CliError, EXIT } from './exit-codes.js';
import { listUpdatesCommand } from './list-updates-command.js';
import { registerCommand } from './register-command.js';
import { runCommand } from './run-command.js';
import { scanCommand } from './scan-command.js';
import { statusCommand } from './status-command.js';
import { unregisterCommand } from './unregister-command.js';

const EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  failure (server unreachable or refusing, a scan failed)
  2  usage error (bad option or argument, malformed token)
  3  not registered
  4  another agent process holds this identity or state directory
  5  the config file cannot be read or migrated (it is left as it was)
  6  the server's signing key does not match the registration token
  7  already registered (unregister first, or register --force)

Docs: docs/agent.md`;

/** `redflag-agent`: the host agent's command line (docs/agent.md). */
export function buildAgentCli(io: CliIo): Command {
  const program = new Command('redflag-agent')
    .description('RedFlag host agent: reports pending updates to a RedFlag core and installs them on command')
    .version(AGENT_VERSION)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .showHelpAfterError()
    .addHelpText('after', EXIT_CODES_HELP)
    .action(function (this: Command) {
      this.help({ error: true });
    });
  registerCommand(program, io);
  runCommand(program, io);
  scanCommand(program, io);
  listUpdatesCommand(program, io);
  statusCommand(program, io);
  unregisterCommand(program, io);
  return program;
}

/** Runs the command line and resolves with the exit code; never rejects. */
export async function runAgentCli(argv: string[], io: CliIo): Promise<number> {
  try {
    await buildAgentCli(io).parseAsync(argv);
    return EXIT.OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit 0; everything else commander refuses is a usage error.
      return err.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    if (err instanceof CliError) {
      io.stderr.write(`redflag-agent: ${err.message}\n`);
      return err.exitCode;
    }
    io.stderr.write(`redflag-agent: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT.FAILURE;
  }
}
