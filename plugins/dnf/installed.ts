import {
  type OperationContext,
  type PluginContext,
  PluginError,
  succeeded,
  type TransactionItem,
} from '../sdk/index.js';
import type { DnfConfig } from './config.js';
import { describeDnfFailure, DNF_ENV } from './dnf-runner.js';
import { isArch, isFullEvr, isPackageName } from './package-names.js';
import { compareEvr, formatEvr } from './rpm-version.js';

export interface InstalledPackage {
  name: string;
  arch: string;
  /** The newest installed version of this name and arch (kernels are installed side by side). */
  evr: string;
}

/** Installed packages by `name.arch`. */
export type InstalledSet = Map<string, InstalledPackage>;

export const installedKey = (name: string, arch: string): string => `${name}.${arch}`;

// One line per package, fields that can hold no `|`: rpm names, versions and arches cannot.
const QUERY_FORMAT = '%{NAME}|%{EPOCHNUM}|%{VERSION}|%{RELEASE}|%{ARCH}\\n';

/**
 * The rpm database, read with rpm itself: the same for dnf, dnf5 and yum, needs no repository
 * metadata and no lock. The install root is rpm's `--root`.
 */
export async function readInstalled(
  ctx: PluginContext<DnfConfig>,
  op: OperationContext,
): Promise<InstalledSet> {
  const root = ctx.config.installRoot ? ['--root', ctx.config.installRoot] : [];
  const result = await ctx.run('rpm', [...root, '-qa', '--qf', QUERY_FORMAT], {
    env: DNF_ENV,
    timeoutMs: ctx.config.commandTimeoutSeconds * 1000,
    signal: op.signal,
  });
  if (!succeeded(result))
    throw new PluginError(`could not read the rpm database: ${describeDnfFailure(result)}`, {
      code: 'command-failed',
    });
  const { installed, warnings } = parseInstalled(result.stdout);
  for (const warning of warnings) ctx.logger.warn(warning);
  return installed;
}

/** Reads `rpm -qa --qf` lines; never throws. `gpg-pubkey` entries have no arch and are skipped. */
export function parseInstalled(lines: readonly string[]): { installed: InstalledSet; warnings: string[] } {
  const installed: InstalledSet = new Map();
  const warnings: string[] = [];
  for (const line of lines) {
    if (line.trim() === '') continue;
    const [name = '', epoch = '', version = '', release = '', arch = '', extra] = line.split('|');
    if (arch === '(none)' && name === 'gpg-pubkey') continue;
    const evr = formatEvr(epoch, version, release);
    if (
      extra !== undefined ||
      !isPackageName(name) ||
      !/^\d{1,10}$/.test(epoch) ||
      !isFullEvr(evr) ||
      !isArch(arch)
    ) {
      warnings.push(`unreadable line in rpm -qa: ${JSON.stringify(line.slice(0, 200))}`);
      continue;
    }
    const key = installedKey(name, arch);
    const known = installed.get(key);
    if (!known || compareEvr(evr, known.evr) > 0) installed.set(key, { name, arch, evr });
  }
  return { installed, warnings };
}

/** The installed copy of a package: same name and arch, else same name (noarch ⇄ arch moves). */
export function findInstalled(
  installed: InstalledSet,
  name: string,
  arch?: string,
): InstalledPackage | undefined {
  if (arch) {
    const exact = installed.get(installedKey(name, arch));
    if (exact) return exact;
  }
  let newest: InstalledPackage | undefined;
  for (const pkg of installed.values())
    if (pkg.name === name && (!newest || compareEvr(pkg.evr, newest.evr) > 0)) newest = pkg;
  return newest;
}

/** What changed between two readings of the rpm database. */
export function changedPackages(before: InstalledSet, after: InstalledSet): TransactionItem[] {
  const changed: TransactionItem[] = [];
  for (const [key, now] of after) {
    const was = before.get(key);
    if (was?.evr !== now.evr)
      changed.push({
        name: now.name,
        arch: now.arch,
        ...(was ? { fromVersion: was.evr } : {}),
        toVersion: now.evr,
      });
  }
  for (const [key, was] of before)
    if (!after.has(key)) changed.push({ name: was.name, arch: was.arch, fromVersion: was.evr });
  return changed;
}
