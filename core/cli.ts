import { Command } from 'commander';
import { adminRequest, adminSocketPath, NoRunningCoreError } from './api/index.js';
import {
  addManagementCommands,
  type CommonFlags,
  EXIT,
  fail,
  handleStartError,
  loadWithFlags,
  parsePort,
} from './cli/index.js';
import { type MigrationStatus, openDatabase, pgliteDirFor } from './db/index.js';
import { createLoggerWithFormat } from './log/index.js';
import { startCore } from './main.js';
import { CORE_VERSION } from './version.js';

async function serve(flags: CommonFlags) {
  const { config } = loadWithFlags(flags);
  const logger = await createLoggerWithFormat(config.log.level, config.log.format);
  const core = await startCore(config, logger).catch(handleStartError);

  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    void core.stop(signal).then(({ clean }) => process.exit(clean ? EXIT.ok : EXIT.failure));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

async function migrate(flags: CommonFlags & { json?: boolean }) {
  const { config } = loadWithFlags(flags);
  let applied: string[];
  let status: MigrationStatus;
  let via: string;
  try {
    // A running core owns the database (PGlite is single-process): ask it.
    ({ applied, status } = await adminRequest<{ applied: string[]; status: MigrationStatus }>(
      adminSocketPath(config.dataDir),
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
      queryTimeoutMs: config.database.queryTimeoutMs,
      pglite: config.database.pglite,
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
  else if (applied.length)
    console.log(`applied ${applied.length} migration(s) ${via}: ${applied.join(', ')}`);
  else console.log(`database is up to date ${via} (${status.applied.length} migration(s) applied)`);
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

  common(program.command('serve').description('start the core: HTTP API, MQTT broker and database'))
    .option('-p, --http-port <port>', 'HTTP port (overrides http.port)', parsePort)
    .option('-m, --mqtt-port <port>', 'MQTT port of the embedded broker (overrides broker.port)', parsePort)
    .option('--local-agent', 'also enrol and run an agent for this host (localAgent.enabled)')
    .action(serve);

  common(program.command('migrate').description('apply pending database migrations and exit'))
    .option('--json', 'print the result as JSON')
    .action(migrate);

  addManagementCommands(program, common);
  return program;
}

await buildCli().parseAsync(process.argv);
