import type { Command } from 'commander';
import { readScanCache } from '../state/scan-cache.js';
import { type CliIo, type CommonOptions, pathsOf, withCommonOptions, withOutputOptions } from './common.js';
import { updatesCsv, updatesReport, updatesTable } from './output/updates.js';
import { styler } from './output/text.js';

interface ListOptions extends CommonOptions {
  json?: boolean;
  csv?: boolean;
}

/** `list-updates`: the last scan results on record; reads only local files, so it works offline. */
export function listUpdatesCommand(program: Command, io: CliIo): void {
  withOutputOptions(
    withCommonOptions(
      program
        .command('list-updates')
        .description('print the pending updates found by the last scans (works offline)'),
    ),
    ['json', 'csv'],
  ).action(async (options: ListOptions) => {
    const report = updatesReport(await readScanCache(pathsOf(options).stateDir), 'cache');
    if (options.json) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else if (options.csv) io.stdout.write(updatesCsv(report));
    else io.stdout.write(updatesTable(report, styler(io.stdout, io.env)));
  });
}
