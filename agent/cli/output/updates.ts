import { PACKAGE_SEVERITIES, type ScanPackage } from '../../../broker/protocol/index.js';
import type { CachedScan } from '../../state/scan-cache.js';
import { AGENT_VERSION } from '../../version.js';
import { printable, renderTable, shortTime, type Styler, toCsv } from './text.js';

/** Version of the `--json` shape of `scan` and `list-updates`; bumped only for incompatible changes. */
export const UPDATES_JSON_FORMAT = 1;

export interface UpdatesReport {
  formatVersion: typeof UPDATES_JSON_FORMAT;
  agentVersion: string;
  generatedAt: string;
  /** `scan`: scanned just now; `cache`: the last scans on record (`list-updates`). */
  source: 'scan' | 'cache';
  plugins: Array<{
    plugin: string;
    startedAt: string;
    finishedAt: string;
    trigger: string;
    complete: boolean;
    error: string | null;
    warnings: string[];
    packageCount: number;
    /** When the packages listed for this plugin were scanned (older than finishedAt after a failed scan). */
    packagesScannedAt: string | null;
  }>;
  /** Every pending update: the scan package record of docs/protocol.md, most severe first. */
  packages: ScanPackage[];
}

export function updatesReport(scans: CachedScan[], source: UpdatesReport['source']): UpdatesReport {
  const rank = (s: string) => PACKAGE_SEVERITIES.indexOf(s as (typeof PACKAGE_SEVERITIES)[number]);
  const packages = scans
    .flatMap((s) => s.packages)
    .sort(
      (a, b) =>
        rank(a.severity) - rank(b.severity) ||
        Number(b.security) - Number(a.security) ||
        a.plugin.localeCompare(b.plugin) ||
        a.name.localeCompare(b.name),
    );
  return {
    formatVersion: UPDATES_JSON_FORMAT,
    agentVersion: AGENT_VERSION,
    generatedAt: new Date().toISOString(),
    source,
    plugins: scans.map((s) => ({
      plugin: s.plugin,
      startedAt: s.last.startedAt,
      finishedAt: s.last.finishedAt,
      trigger: s.last.trigger,
      complete: s.last.complete,
      error: s.last.error ?? null,
      warnings: s.last.warnings,
      packageCount: s.packages.length,
      packagesScannedAt: s.packagesScannedAt,
    })),
    packages,
  };
}

export const CSV_COLUMNS = [
  'plugin',
  'name',
  'arch',
  'currentVersion',
  'availableVersion',
  'severity',
  'security',
  'source',
  'rebootRequired',
] as const;

export function updatesCsv(report: UpdatesReport): string {
  return toCsv(
    [...CSV_COLUMNS],
    report.packages.map((p) =>
      CSV_COLUMNS.map((c) => (p[c] === undefined ? '' : (p[c] as string | boolean))),
    ),
  );
}

export function updatesTable(report: UpdatesReport, style: Styler): string {
  const lines: string[] = [];
  if (report.packages.length) {
    const rows = report.packages.map((p) => [
      p.plugin,
      p.name,
      p.arch ?? '',
      p.currentVersion,
      p.availableVersion,
      p.severity,
      p.security ? 'yes' : '',
      p.source,
    ]);
    lines.push(
      renderTable(
        ['PLUGIN', 'PACKAGE', 'ARCH', 'CURRENT', 'AVAILABLE', 'SEVERITY', 'SECURITY', 'SOURCE'],
        rows,
        (col, row, text) => {
          const pkg = report.packages[row]!;
          if (col === 5) return style.severity(pkg.severity, text);
          if (col === 6 && pkg.security) return style.red(text);
          return text;
        },
      ),
    );
  }
  const total = report.packages.length;
  const security = report.packages.filter((p) => p.security).length;
  lines.push(
    total
      ? `${total} pending update${total === 1 ? '' : 's'}${security ? `, ${security} security` : ''}`
      : report.plugins.length
        ? 'No pending updates.'
        : 'No scan results yet: run `redflag-agent scan`.',
  );
  for (const p of report.plugins) {
    const when = `scanned ${shortTime(p.finishedAt)}`;
    if (p.error) {
      const shown = p.packagesScannedAt ? ` (updates shown are from ${shortTime(p.packagesScannedAt)})` : '';
      lines.push(
        style.red(`${p.plugin}: scan failed ${shortTime(p.finishedAt)}: ${printable(p.error)}${shown}`),
      );
    } else lines.push(`${p.plugin}: ${when}${p.complete ? '' : style.yellow(' (incomplete)')}`);
    for (const w of p.warnings) lines.push(style.yellow(`  warning: ${printable(w)}`));
  }
  return `${lines.join('\n')}\n`;
}
