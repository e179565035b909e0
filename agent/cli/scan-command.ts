import { mkdir } from 'node:fs/promises';
import type { Command } from 'commander';
import { errorMessage } from '../../plugins/sdk/index.js';
import { createAgentLogger } from '../log.js';
import { BUILTIN_AGENT_PLUGINS } from '../plugins.js';
import { PluginRuntime } from '../plugins/plugin-runtime.js';
import { runScan } from '../scanner.js';
import type { CachedScan } from '../state/scan-cache.js';
import {
  type CliIo,
  type CommonOptions,
  pathsOf,
  readConfig,
  withCommonOptions,
  withOutputOptions,
} from './common.js';
import { CliError, EXIT } from './exit-codes.js';
import { updatesCsv, updatesReport, updatesTable } from './output/updates.js';
import { styler } from './output/text.js';

interface ScanOptions extends CommonOptions {
  plugin?: string;
  json?: boolean;
  csv?: boolean;
}

/**
 * `scan`: runs the package managers now and prints what they report. Needs no server and no
 * registration; the results also go to the local cache (`list-updates`). The running agent
 * sends its own scans; this one is not sent.
 */
export function scanCommand(program: Command, io: CliIo): void {
  withOutputOptions(
    withCommonOptions(
      program
        .command('scan')
        .description('scan for pending updates now and print them (works without a server)')
        .option('--plugin <name>', 'scan with this package manager only (default: every one available)'),
    ),
    ['json', 'csv'],
  ).action(async (options: ScanOptions) => {
    const paths = pathsOf(options);
    const { config } = await readConfig(paths);
    // Plugin log lines would mix with the output; failures show in the report instead.
    const runtime = await PluginRuntime.start({
      modules: BUILTIN_AGENT_PLUGINS,
      configs: config.plugins,
      logger: createAgentLogger('silent'),
    });
    try {
      const known = runtime.list();
      let plugins = runtime.available();
      if (options.plugin) {
        const info = known.find((p) => p.name === options.plugin);
        if (!info)
          throw new CliError(
            `unknown plugin ${options.plugin} (known: ${known.map((p) => p.name).join(', ') || 'none'})`,
            EXIT.USAGE,
          );
        if (!info.available)
          throw new CliError(`plugin ${info.name} is not available here: ${info.reason ?? ''}`, EXIT.FAILURE);
        plugins = [info.name];
      }
      if (plugins.length === 0)
        throw new CliError(
          `no package manager available here (${known.map((p) => `${p.name}: ${p.reason ?? 'unavailable'}`).join('; ') || 'no plugins'})`,
          EXIT.FAILURE,
        );
      await mkdir(paths.stateDir, { recursive: true, mode: 0o700 });
      const scans: CachedScan[] = [];
      for (const plugin of plugins) {
        try {
          scans.push(
            (
              await runScan(
                { runtime, stateDir: paths.stateDir, logger: createAgentLogger('silent') },
                plugin,
                { trigger: 'cli' },
              )
            ).cached,
          );
        } catch (err) {
          throw new CliError(`scan with ${plugin} failed: ${errorMessage(err)}`, EXIT.FAILURE);
        }
      }
      const report = updatesReport(scans, 'scan');
      if (options.json) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else if (options.csv) io.stdout.write(updatesCsv(report));
      else io.stdout.write(updatesTable(report, styler(io.stdout, io.env)));
      const failed = report.plugins.filter((p) => p.error !== null).map((p) => p.plugin);
      if (failed.length) throw new CliError(`the scan failed for ${failed.join(', ')}`, EXIT.FAILURE);
    } finally {
      await runtime.stop();
    }
  });
}
