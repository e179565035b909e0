import { resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { CoreAlreadyRunningError } from '../api/index.js';
import { ConfigError, type LoadedConfig, loadConfig } from '../config/index.js';
import { DatabaseUnavailableError, MigrationError } from '../db/index.js';

/** Exit codes of `redflag`, documented in docs/operations.md. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

export interface CommonFlags {
  config?: string;
  dataDir?: string;
  httpPort?: number;
  mqttPort?: number;
  localAgent?: boolean;
}

/** One line on stderr, then exit: what errors look like to a user of the command line. */
export function fail(message: string, code: number = EXIT.failure): never {
  process.stderr.write(`redflag: ${message}\n`);
  process.exit(code);
}

export function loadWithFlags(flags: CommonFlags): LoadedConfig {
  const overrides: Array<{ path: string; value: unknown; flag: string }> = [];
  if (flags.dataDir !== undefined)
    overrides.push({ path: 'dataDir', value: flags.dataDir, flag: '--data-dir' });
  if (flags.httpPort !== undefined)
    overrides.push({ path: 'http.port', value: flags.httpPort, flag: '--http-port' });
  if (flags.mqttPort !== undefined)
    overrides.push({ path: 'broker.port', value: flags.mqttPort, flag: '--mqtt-port' });
  if (flags.localAgent) overrides.push({ path: 'localAgent.enabled', value: true, flag: '--local-agent' });
  try {
    const loaded = loadConfig({ configPath: flags.config, flags: overrides });
    loaded.config.dataDir = resolve(loaded.config.dataDir);
    return loaded;
  } catch (err) {
    return handleStartError(err);
  }
}

export function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new InvalidArgumentError(`must be an integer from 1 to 65535, got "${text}"`);
  return port;
}

export function parsePositiveInteger(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`must be a positive integer, got "${text}"`);
  return n;
}

/** Errors we expected and can word in one line; anything else is a bug and keeps its stack. */
export function handleStartError(err: unknown): never {
  if (err instanceof ConfigError) fail(err.message, EXIT.usage);
  if (
    err instanceof DatabaseUnavailableError ||
    err instanceof MigrationError ||
    err instanceof CoreAlreadyRunningError
  )
    fail(err.message);
  throw err;
}
