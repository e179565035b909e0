import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ScanMessage, ScanPackage } from '../../broker/protocol/index.js';
import { readJsonIfExists, writeJsonAtomic } from '../files/atomic.js';

export type ScanTrigger = 'schedule' | 'command' | 'cli';

export interface ScanSummary {
  batchId: string;
  trigger: ScanTrigger;
  startedAt: string;
  finishedAt: string;
  complete: boolean;
  error?: string;
  warnings: string[];
  packageCount: number;
}

/** The newest scan of one plugin, kept for `list-updates` and `status` (which work offline). */
export interface CachedScan {
  plugin: string;
  last: ScanSummary;
  /** Packages of the newest scan that did not fail (a failed scan must not empty the list). */
  packages: ScanPackage[];
  holds: string[];
  /** When those packages were scanned; null when no scan has succeeded yet. */
  packagesScannedAt: string | null;
}

const dirOf = (stateDir: string) => join(stateDir, 'cache');
const fileOf = (stateDir: string, plugin: string) => join(dirOf(stateDir), `scan-${plugin}.json`);

/** Records a scan's outcome; a failed scan keeps the packages of the previous good one. */
export async function recordScan(
  stateDir: string,
  scan: ScanMessage,
  extra: { trigger: ScanTrigger; warnings: string[] },
): Promise<CachedScan> {
  const previous = (await readJsonIfExists(fileOf(stateDir, scan.plugin)).catch(
    () => null,
  )) as CachedScan | null;
  const cached = cachedScanOf(scan, extra, previous);
  await mkdir(dirOf(stateDir), { recursive: true, mode: 0o700 });
  // Not fsynced: a cache lost in a power cut is rebuilt by the next scan.
  await writeJsonAtomic(fileOf(stateDir, scan.plugin), cached, { mode: 0o600, fsync: false });
  return cached;
}

/** What the cache keeps of a scan, given the previous entry (null: none, or unreadable). */
export function cachedScanOf(
  scan: ScanMessage,
  extra: { trigger: ScanTrigger; warnings: string[] },
  previous: CachedScan | null,
): CachedScan {
  const failed = scan.error !== undefined;
  return {
    plugin: scan.plugin,
    last: {
      batchId: scan.batchId,
      trigger: extra.trigger,
      startedAt: scan.startedAt,
      finishedAt: scan.finishedAt,
      complete: scan.complete,
      ...(scan.error ? { error: scan.error } : {}),
      warnings: extra.warnings,
      packageCount: scan.packages.length,
    },
    packages: failed ? (previous?.packages ?? []) : scan.packages,
    holds: failed ? (previous?.holds ?? []) : (scan.holds ?? []),
    packagesScannedAt: failed ? (previous?.packagesScannedAt ?? null) : scan.finishedAt,
  };
}

/** Every plugin's cached scan, by plugin name; unreadable files are skipped. */
export async function readScanCache(stateDir: string): Promise<CachedScan[]> {
  let names: string[];
  try {
    names = await readdir(dirOf(stateDir));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: CachedScan[] = [];
  for (const name of names.sort()) {
    if (!/^scan-[a-z][a-z0-9-]*\.json$/.test(name)) continue;
    const cached = (await readJsonIfExists(join(dirOf(stateDir), name)).catch(
      () => null,
    )) as CachedScan | null;
    if (cached && typeof cached.plugin === 'string' && cached.last) out.push(cached);
  }
  return out;
}
