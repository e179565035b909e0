import { join } from 'node:path';
import type { Command } from 'commander';
import { isRegistered } from '../config/agent-config.js';
import { loadCoreSettings } from '../state/core-settings.js';
import { type DaemonStatus, readDaemonStatus } from '../state/daemon-status.js';
import { readScanCache } from '../state/scan-cache.js';
import { Spool } from '../state/spool.js';
import { AGENT_VERSION } from '../version.js';
import {
  type CliIo,
  type CommonOptions,
  pathsOf,
  readConfig,
  withCommonOptions,
  withOutputOptions,
} from './common.js';
import { CliError, EXIT } from './exit-codes.js';
import { bytes, printable, renderTable, shortTime, type Styler, styler } from './output/text.js';

/** Version of the `status --json` shape. */
export const STATUS_JSON_FORMAT = 1;

interface StatusOptions extends CommonOptions {
  json?: boolean;
}

export function statusCommand(program: Command, io: CliIo): void {
  withOutputOptions(
    withCommonOptions(
      program
        .command('status')
        .description('identity, server, connection, last scan per plugin, spool depth and version'),
    ),
    ['json'],
  ).action(async (options: StatusOptions) => {
    const paths = pathsOf(options);
    const { config } = await readConfig(paths);
    const registered = isRegistered(config);
    const [daemon, scans, spool, core] = await Promise.all([
      readDaemonStatus(paths.stateDir),
      readScanCache(paths.stateDir),
      Spool.stats(join(paths.stateDir, 'spool')),
      loadCoreSettings(paths.stateDir),
    ]);
    const status = {
      formatVersion: STATUS_JSON_FORMAT,
      agentVersion: AGENT_VERSION,
      registered,
      agentId: registered ? config.identity.agentId : null,
      server: registered ? config.server.url : null,
      brokerUrl: registered ? config.server.brokerUrl : null,
      registeredAt: registered ? config.identity.registeredAt : null,
      serverKeyIds: registered ? Object.keys(config.serverKeys) : [],
      configPath: paths.configPath,
      stateDir: paths.stateDir,
      daemon: daemon
        ? {
            running: true as const,
            pid: daemon.pid,
            startedAt: daemon.startedAt,
            version: daemon.agentVersion,
            connection: daemon.connection,
            plugins: daemon.plugins,
            storage: daemon.storage ?? null,
          }
        : { running: false as const },
      scans: scans.map((s) => ({
        plugin: s.plugin,
        finishedAt: s.last.finishedAt,
        trigger: s.last.trigger,
        complete: s.last.complete,
        error: s.last.error ?? null,
        updates: s.packages.length,
      })),
      spool,
      configRevision: core.revision,
      schedules: core.schedules,
    };
    if (options.json) io.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
    else io.stdout.write(human(status, styler(io.stdout, io.env)));
    if (!registered) throw new CliError(`not registered (${paths.configPath})`, EXIT.NOT_REGISTERED);
  });
}

type Status = {
  agentVersion: string;
  registered: boolean;
  agentId: string | null;
  server: string | null;
  brokerUrl: string | null;
  registeredAt: string | null;
  daemon:
    | { running: false }
    | {
        running: true;
        pid: number;
        connection: { state: string; since: string; lastError: string | null };
        storage: DaemonStatus['storage'] | null;
      };
  scans: Array<{
    plugin: string;
    finishedAt: string;
    complete: boolean;
    error: string | null;
    updates: number;
  }>;
  spool: { messages: number; bytes: number; byType: Record<string, number> };
  configRevision: number;
};

function human(s: Status, style: Styler): string {
  const rows: Array<[string, string]> = [['Version', s.agentVersion]];
  if (s.registered) {
    rows.push(
      ['Agent', s.agentId!],
      ['Server', s.server!],
      ['Broker', s.brokerUrl!],
      ['Registered', shortTime(s.registeredAt)],
    );
  } else rows.push(['Agent', style.yellow('not registered')]);
  if (s.daemon.running) {
    const c = s.daemon.connection;
    const state = c.state === 'connected' ? style.green(c.state) : style.yellow(c.state);
    rows.push(
      ['Daemon', `running (pid ${s.daemon.pid})`],
      ['Connection', `${state} since ${shortTime(c.since)}`],
    );
    if (c.lastError && c.state !== 'connected') rows.push(['Last error', printable(c.lastError)]);
    const storage = s.daemon.storage;
    if (storage?.problem) {
      const p = storage.problem;
      rows.push([
        'Storage',
        style.red(
          `failing since ${shortTime(p.since)}: ${p.what}: ${printable(p.error)}; ` +
            `${storage.heldInMemory} message(s) held in memory only`,
        ),
      ]);
    } else if (storage) rows.push(['Storage', 'ok']);
  } else rows.push(['Daemon', style.dim('not running')]);
  const types = Object.entries(s.spool.byType)
    .filter(([, n]) => n > 0)
    .map(([t, n]) => `${n} ${t}`)
    .join(', ');
  rows.push([
    'Spool',
    `${s.spool.messages} unsent message(s)${types ? ` (${types})` : ''}, ${bytes(s.spool.bytes)}`,
  ]);
  rows.push(['Config rev', String(s.configRevision)]);
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v]) => `${`${k}:`.padEnd(width + 2)}${v}`);
  if (s.scans.length) {
    lines.push('', 'Last scans:');
    const table = renderTable(
      ['PLUGIN', 'FINISHED', 'STATUS', 'UPDATES'],
      s.scans.map((x) => [
        x.plugin,
        shortTime(x.finishedAt),
        x.error ? `failed: ${x.error}` : x.complete ? 'ok' : 'incomplete',
        String(x.updates),
      ]),
      (col, row, text) => (col === 2 && s.scans[row]!.error ? style.red(text) : text),
    );
    lines.push(...table.split('\n').map((l) => `  ${l}`));
  } else lines.push('', 'Last scans: none yet');
  return `${lines.join('\n')}\n`;
}
