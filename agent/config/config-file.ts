import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../files/atomic.js';
import {
  type AgentConfig,
  checkAgentConfig,
  CONFIG_FORMAT_VERSION,
  emptyAgentConfig,
} from './agent-config.js';
import { detectFormat, MigrationFailure, migrateConfigObject } from './migrations.js';

export type MigrationStatus = 'success' | 'failed' | 'partial' | 'not_needed';

/** What detecting and migrating the config file found and did (reported as an `agent.migration` event). */
export interface MigrationOutcome {
  status: MigrationStatus;
  /** The format found; null when none could be read. */
  fromVersion: number | null;
  toVersion: number;
  configPath: string;
  /** Where the old file was kept before it was replaced. */
  backupPath?: string;
  error?: string;
  /** Settings left out (`partial`). */
  dropped: string[];
}

/** The config file exists but cannot be used; the agent will not start on it. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    message: string,
    readonly outcome?: MigrationOutcome,
  ) {
    super(message);
  }
}

export interface LoadedConfig {
  /** Defaults when there is no file. */
  config: AgentConfig;
  exists: boolean;
  outcome: MigrationOutcome;
}

/**
 * Reads the config file, migrating an older format first (the old file is kept as
 * `<file>.v<N>.bak`). A file that cannot be read or migrated is left exactly as it is and a
 * ConfigError carries the `failed` outcome, so the caller can report it. With `write: false`
 * (read-only commands: status, scan, list-updates) an older format is migrated in memory only.
 */
export async function loadAgentConfig(path: string, opts: { write?: boolean } = {}): Promise<LoadedConfig> {
  const base = { toVersion: CONFIG_FORMAT_VERSION, configPath: path, dropped: [] as string[] };
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new ConfigError(`cannot read ${path}: ${(err as Error).message}`);
    return {
      config: emptyAgentConfig(),
      exists: false,
      outcome: { ...base, status: 'not_needed', fromVersion: null },
    };
  }
  const fail = (fromVersion: number | null, error: string): never => {
    const outcome: MigrationOutcome = { ...base, status: 'failed', fromVersion, error };
    throw new ConfigError(`${path}: ${error}`, outcome);
  };

  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return fail(null, `not valid JSON (${(err as Error).message}); the file was left as it is`);
  }
  const from = detectFormat(parsed);
  if (from === null)
    return fail(null, 'no config format version (formatVersion) found; the file was left as it is');
  if (from > CONFIG_FORMAT_VERSION)
    return fail(
      from,
      `config format ${from} was written by a newer agent; this agent reads format ${CONFIG_FORMAT_VERSION} and older`,
    );

  if (from === CONFIG_FORMAT_VERSION) {
    const problem = checkAgentConfig(parsed);
    if (problem) throw new ConfigError(`${path}: ${problem}`);
    return {
      config: parsed as AgentConfig,
      exists: true,
      outcome: { ...base, status: 'not_needed', fromVersion: from },
    };
  }

  let migrated: { config: Record<string, unknown>; dropped: string[] };
  try {
    migrated = migrateConfigObject(from, parsed as Record<string, unknown>);
  } catch (err) {
    const why =
      err instanceof MigrationFailure ? err.message : `migration crashed: ${(err as Error).message}`;
    return fail(from, `${why}; the old file was left as it is`);
  }
  const problem = checkAgentConfig(migrated.config);
  if (problem)
    return fail(from, `the migrated config is invalid (${problem}); the old file was left as it is`);

  // checkAgentConfig just validated it against the format-2 schema.
  const config = migrated.config as unknown as AgentConfig;
  let backupPath: string | undefined;
  if (opts.write !== false) {
    backupPath = freeBackupPath(`${path}.v${from}.bak`);
    await writeFileAtomic(backupPath, text, { mode: 0o600 });
    await saveAgentConfig(path, config);
  }
  return {
    config,
    exists: true,
    outcome: {
      ...base,
      status: migrated.dropped.length ? 'partial' : 'success',
      fromVersion: from,
      ...(backupPath ? { backupPath } : {}),
      dropped: migrated.dropped,
    },
  };
}

/** Writes the config atomically, readable by its owner only (it holds the private key). */
export async function saveAgentConfig(path: string, config: AgentConfig): Promise<void> {
  const problem = checkAgentConfig(config);
  if (problem) throw new Error(`refusing to write an invalid config: ${problem}`);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeJsonAtomic(path, config, { mode: 0o600 });
  await chmod(path, 0o600);
}

function freeBackupPath(wanted: string): string {
  if (!existsSync(wanted)) return wanted;
  return `${wanted}.${new Date().toISOString().replace(/[:.]/g, '-')}`;
}
