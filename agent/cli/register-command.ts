import { readFileSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { parseRegistrationToken } from '../../broker/protocol/index.js';
import { emptyAgentConfig, isRegistered } from '../config/agent-config.js';
import { ConfigError, loadAgentConfig, saveAgentConfig } from '../config/config-file.js';
import { findMachineIdFile } from '../identity/host-info.js';
import { RegistrationError, registerWithServer } from '../identity/register.js';
import { Spool } from '../state/spool.js';
import { type CliIo, type CommonOptions, lockAgent, pathsOf, withCommonOptions } from './common.js';
import { CliError, EXIT } from './exit-codes.js';

interface RegisterOptions extends CommonOptions {
  server: string;
  token: string;
  broker?: string;
  ca?: string;
  machineIdFile?: string;
  force?: boolean;
  json?: boolean;
}

const KIND_EXIT = {
  invalid_token: EXIT.USAGE,
  refused: EXIT.FAILURE,
  unreachable: EXIT.FAILURE,
  key_mismatch: EXIT.KEY_MISMATCH,
  bad_response: EXIT.FAILURE,
} as const;

export function registerCommand(program: Command, io: CliIo): void {
  withCommonOptions(
    program
      .command('register')
      .description('enrol this host with a RedFlag core, using a registration token from its admin')
      .requiredOption('--server <url>', "the core's URL, e.g. http://redflag.lan:8080")
      .requiredOption('--token <token>', 'registration token (rf1_…); it pins the server key')
      .option('--broker <url>', 'MQTT URL to use instead of the one the server hands out')
      .option('--ca <file>', "PEM file of the CA that signed the broker's TLS certificate")
      .option('--machine-id-file <file>', 'file identifying this machine (default: /etc/machine-id)')
      .option('--force', 'register again even if already registered (replaces the identity)')
      .option('--json', 'print the outcome as JSON'),
  ).action(async (options: RegisterOptions) => {
    const token = parseRegistrationToken(options.token);
    if ('error' in token) throw new CliError(`invalid --token: ${token.error}`, EXIT.USAGE);
    if (options.broker && !/^(mqtts?|wss?):\/\//.test(options.broker))
      throw new CliError('--broker must be an mqtt://, mqtts://, ws:// or wss:// URL', EXIT.USAGE);
    const tlsCa = options.ca ? readText(options.ca, '--ca') : undefined;
    const machineIdFile = options.machineIdFile ?? findMachineIdFile();
    if (!machineIdFile)
      throw new CliError('no machine id found (/etc/machine-id): pass --machine-id-file', EXIT.FAILURE);

    const paths = pathsOf(options);
    const release = await lockAgent(paths);
    try {
      let existing;
      try {
        existing = (await loadAgentConfig(paths.configPath, { write: false })).config;
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        if (!options.force)
          throw new CliError(
            `${err.message}\n(--force registers anew and keeps the unreadable file beside it)`,
            EXIT.CONFIG,
          );
        const kept = `${paths.configPath}.broken-${new Date().toISOString().replace(/[:.]/g, '-')}`;
        await rename(paths.configPath, kept);
        io.stderr.write(`redflag-agent: kept the unreadable config as ${kept}\n`);
        existing = emptyAgentConfig();
      }
      if (isRegistered(existing) && !options.force)
        throw new CliError(
          `already registered as agent ${existing.identity.agentId} with ${existing.server.url}; run \`redflag-agent unregister\` first or pass --force`,
          EXIT.ALREADY_REGISTERED,
        );

      let outcome;
      try {
        outcome = await registerWithServer({
          serverUrl: options.server,
          token: options.token,
          machineIdFile,
          brokerUrl: options.broker,
          tlsCa,
          existing,
        });
      } catch (err) {
        if (err instanceof RegistrationError) throw new CliError(err.message, KIND_EXIT[err.kind]);
        throw err;
      }
      const { config, rebound } = outcome;
      await forgetPreviousIdentity(paths.stateDir);
      await saveAgentConfig(paths.configPath, config);
      const summary = {
        agentId: config.identity.agentId,
        server: config.server.url,
        brokerUrl: config.server.brokerUrl,
        topicPrefix: config.server.topicPrefix,
        serverKeyId: Object.keys(config.serverKeys)[0]!,
        rebound,
        configPath: paths.configPath,
      };
      if (options.json) io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      else
        io.stdout.write(
          `${rebound ? 'Rebound to' : 'Registered as'} agent ${summary.agentId} with ${summary.server}\n` +
            `Server key ${summary.serverKeyId} pinned; broker ${summary.brokerUrl}\n` +
            `Config written to ${paths.configPath}. Start the agent with: redflag-agent run\n`,
        );
    } finally {
      await release();
    }
  });
}

/**
 * The previous identity's command results and the core's settings mean nothing to a new
 * identity; spooled scans and events still describe this host and are kept.
 */
async function forgetPreviousIdentity(stateDir: string): Promise<void> {
  const spool = await Spool.open(join(stateDir, 'spool'), { maxBytes: Number.MAX_SAFE_INTEGER });
  await spool.removeType('result');
  await rm(join(stateDir, 'core-settings.json'), { force: true });
}

function readText(file: string, option: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError(`${option}: cannot read ${file}: ${(err as Error).message}`, EXIT.USAGE);
  }
}
