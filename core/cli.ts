import { resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { adminRequest, adminSocketPath, CoreAlreadyRunningError, NoRunningCoreError } from './api/index.js';
import { ConfigError, type LoadedConfig, loadConfig } from './config/index.js';
import {
  DatabaseUnavailableError,
  MigrationError,
  type MigrationStatus,
  openDatabase,
  pgliteDirFor,
} from './db/index.js';
import { createLogger } from './log/index.js';
import { startCore } from './main.js';
import { CORE_VERSION } from './version.js';

/** Exit codes of `redflag`, documented in docs/operations.md. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

interface CommonFlags {
  config?: string;
  dataDir?: string;
}

/** One line on stderr, then exit: what start-up errors look like to a user. */
function fail(message: string, code: number = EXIT.failure): never {
  process.stderr.write(`redflag: ${message}\n`);
  process.exit(code);
}

function loadWithFlags(flags: CommonFlags & { httpPort?: number }): LoadedConfig {
  const overrides: Array<{ path: string; value: unknown; flag: string }> = [];
  if (flags.dataDir !== undefined)
    overrides.push({ path: 'dataDir', value: flags.dataDir, flag: '--data-dir' });
  if (flags.httpPort !== undefined)
    overrides.push({ path: 'http.port', value: flags.httpPort, flag: '--http-port' });
  const loaded = loadConfig({ configPath: flags.config, flags: overrides });
  loaded.config.dataDir = resolve(loaded.config.dataDir);
  return loaded;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new InvalidArgumentError(`must be an integer from 1 to 65535, got "${text}"`);
  return port;
}

/** Errors we expected and can word in one line; anything else is a bug and keeps its stack. */
function handleStartError(err: unknown): never {
  if (err instanceof ConfigError) fail(err.message, EXIT.usage);
  if (
    err instanceof DatabaseUnavailableError ||
    err instanceof MigrationError ||
    err instanceof CoreAlreadyRunningError
  )
    fail(err.message);
  throw err;
}

async function serve(flags: CommonFlags & { httpPort?: number }) {
  let loaded: LoadedConfig;
  try {
    loaded = loadWithFlags(flags);
  } catch (err) {
    handleStartError(err);
  }
  const logger = createLogger(loaded.config.log.level);
  const core = await startCore(loaded.config, logger).catch(handleStartError);

  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    void core.stop(signal).then(({ clean }) => process.exit(clean ? EXIT.ok : EXIT.failure));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

function printStatus(status: MigrationStatus, applied: string[], via: string) {
  if (applied.length) console.log(`applied ${applied.length} migration(s) ${via}: ${applied.join(', ')}`);
  else console.log(`database is up to date ${via} (${status.applied.length} migration(s) applied)`);
}

async function migrate(flags: CommonFlags & { json?: boolean }) {
  let loaded: LoadedConfig;
  try {
    loaded = loadWithFlags(flags);
  } catch (err) {
    handleStartError(err);
  }
  const { config } = loaded;
  const socket = adminSocketPath(config.dataDir);
  let applied: string[];
  let status: MigrationStatus;
  let via: string;
  try {
    // A running core owns the database (PGlite is single-process): ask it.
    ({ applied, status } = await adminRequest<{ applied: string[]; status: MigrationStatus }>(
      socket,
      'POST',
      '/v1/migrate',
    ));
    via = 'through the running core';
  } catch (err) {
    if (!(err instanceof NoRunningCoreError)) fail(`the running core refused: ${(err as Error).message}`);
    const db = await openDatabase({
      url: config.database.url,
      pgliteDir: pgliteDirFor(config.dataDir),
      schema: config.database.schema,
      poolMax: 1,
      connectTimeoutMs: config.database.connectTimeoutMs,
    }).catch(handleStartError);
    try {
      applied = await db.migrate().catch(handleStartError);
      status = await db.migrationStatus();
      via = `in ${db.location}`;
    } finally {
      await db.close();
    }
  }
  if (flags.json) console.log(JSON.stringify({ appliedNow: applied, ...status }));
  else printStatus(status, applied, via);
}

export function buildCli(): Command {
  const program = new Command('redflag')
    .description('RedFlag core: self-hosted update management for homelabs')
    .version(CORE_VERSION)
    .showHelpAfterError()
    // Usage errors exit 2 (documented); set before the subcommands, which inherit it.
    .exitOverride((err) => {
      process.exit(err.exitCode === 0 ? EXIT.ok : EXIT.usage);
    });

  const common = (cmd: Command) =>
    cmd
      .option('-c, --config <path>', 'configuration file (default: ./config.yaml when it exists)')
      .option('-d, --data-dir <dir>', 'data directory (overrides dataDir)');

  common(program.command('serve').description('start the core: HTTP API and database'))
    .option('-p, --http-port <port>', 'HTTP port (overrides http.port)', parsePort)
    .action(serve);

  common(program.command('migrate').description('apply pending database migrations and exit'))
    .option('--json', 'print the result as JSON')
    .action(migrate);

  return program;
}

await buildCli().parseAsync(process.argv);
