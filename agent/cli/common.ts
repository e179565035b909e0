import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type Command, Option } from 'commander';
import { ConfigError, type LoadedConfig, loadAgentConfig } from '../config/config-file.js';
import { acquireLock, type HeldLock, LockedError } from '../files/lock.js';
import { type AgentPaths, defaultPaths, resolvePaths } from '../paths.js';
import { stateLockPath } from '../state/daemon-status.js';
import { CliError, EXIT } from './exit-codes.js';

/** Where output goes; the entry point passes the process's streams, tests may pass their own. */
export interface CliIo {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown };
  env: NodeJS.ProcessEnv;
}

export interface CommonOptions {
  config?: string;
  stateDir?: string;
}

/** `--config PATH` and `--state-dir DIR`, accepted by every command (docs/agent.md). */
export function withCommonOptions(command: Command): Command {
  const defaults = defaultPaths();
  return command
    .option('--config <path>', `agent config file (default: ${defaults.configPath})`)
    .option('--state-dir <dir>', `state directory: spool, journal, cache (default: ${defaults.stateDir})`);
}

export function withOutputOptions(command: Command, formats: Array<'json' | 'csv'>): Command {
  if (formats.includes('json'))
    command.addOption(new Option('--json', 'machine-readable JSON (docs/agent.md)').conflicts('csv'));
  if (formats.includes('csv'))
    command.addOption(new Option('--csv', 'CSV with a header line').conflicts('json'));
  return command;
}

export function pathsOf(options: CommonOptions): AgentPaths {
  return resolvePaths(options);
}

/** Both locks a running agent holds: refuses while one runs on this identity or state. */
export async function lockAgent(paths: AgentPaths): Promise<() => Promise<void>> {
  const held: HeldLock[] = [];
  const release = async () => {
    for (const lock of held.splice(0).reverse()) await lock.release();
  };
  try {
    await mkdir(paths.stateDir, { recursive: true, mode: 0o700 });
    held.push(await acquireLock(stateLockPath(paths.stateDir)));
    await mkdir(dirname(paths.configPath), { recursive: true, mode: 0o700 });
    held.push(await acquireLock(`${paths.configPath}.lock`));
    return release;
  } catch (err) {
    await release();
    if (err instanceof LockedError)
      throw new CliError(
        `the agent is running (process ${err.holderPid}, ${err.path}); stop it first`,
        EXIT.LOCKED,
      );
    throw err;
  }
}

/** The config as it is (an older format migrated in memory only, unless `write`). */
export async function readConfig(paths: AgentPaths, write = false): Promise<LoadedConfig> {
  try {
    return await loadAgentConfig(paths.configPath, { write });
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(err.message, EXIT.CONFIG);
    throw err;
  }
}
