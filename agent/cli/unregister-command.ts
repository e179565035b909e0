import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { type AgentConfig, isRegistered } from '../config/agent-config.js';
import { saveAgentConfig } from '../config/config-file.js';
import { daemonStatusPath } from '../state/daemon-status.js';
import {
  type CliIo,
  type CommonOptions,
  lockAgent,
  pathsOf,
  readConfig,
  withCommonOptions,
} from './common.js';
import { CliError, EXIT } from './exit-codes.js';

/**
 * `unregister`: forgets the identity (keys, agent id, server) and what belonged to it (spool,
 * journal, the core's settings). Local settings and the scan cache stay. The core is not told:
 * revoking the agent there is the admin's decision (`redflag agent revoke <id>`).
 */
export function unregisterCommand(program: Command, io: CliIo): void {
  withCommonOptions(
    program
      .command('unregister')
      .description("forget this host's identity and its unsent messages (the agent must be stopped)")
      .option('--json', 'print the outcome as JSON'),
  ).action(async (options: CommonOptions & { json?: boolean }) => {
    const paths = pathsOf(options);
    const release = await lockAgent(paths);
    try {
      const { config } = await readConfig(paths);
      if (!isRegistered(config))
        throw new CliError(`not registered (${paths.configPath})`, EXIT.NOT_REGISTERED);
      const { server, identity } = config;
      const local: AgentConfig = { ...config };
      delete local.server;
      delete local.identity;
      delete local.serverKeys;
      await saveAgentConfig(paths.configPath, local);
      for (const name of ['spool', 'journal.jsonl', 'core-settings.json', 'migration-state.json'])
        await rm(join(paths.stateDir, name), { recursive: true, force: true });
      await rm(daemonStatusPath(paths.stateDir), { force: true });
      if (options.json)
        io.stdout.write(
          `${JSON.stringify({ unregistered: true, agentId: identity.agentId, server: server.url }, null, 2)}\n`,
        );
      else
        io.stdout.write(
          `Unregistered agent ${identity.agentId} from ${server.url}; its keys and unsent messages are gone.\n` +
            `The core still lists it: revoke it there with \`redflag agent revoke ${identity.agentId}\`.\n`,
        );
    } finally {
      await release();
    }
  });
}
