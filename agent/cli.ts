import { runAgentCli } from './cli/program.js';

/**
 * Entry point of `redflag-agent` (bin/redflag-agent.js imports this). The commands live in
 * agent/cli/; docs/agent.md is their reference.
 */
process.exitCode = await runAgentCli(process.argv, {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
