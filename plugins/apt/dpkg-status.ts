import type { OperationContext, PluginContext, TransactionItem } from '../sdk/index.js';
import { runApt } from './apt-runner.js';
import type { AptConfig } from './config.js';

export interface InstalledPackage {
  name: string;
  arch: string;
  version: string;
}

/**
 * Installed versions of these packages from the dpkg database. dpkg-query exits 1 when some
 * are unknown (a new dependency before the install), so its output is read whatever the exit.
 */
export async function installedVersions(
  ctx: PluginContext<AptConfig>,
  op: OperationContext,
  names: readonly string[],
): Promise<Map<string, InstalledPackage>> {
  const installed = new Map<string, InstalledPackage>();
  if (names.length === 0) return installed;
  const result = await runApt(ctx, op, {
    program: 'dpkg-query',
    args: ['-W', '-f', '${Package}\\t${Architecture}\\t${Version}\\t${db:Status-Abbrev}\\n'],
    packages: [...new Set(names)],
    timeoutSeconds: ctx.config.commandTimeoutSeconds,
  });
  for (const line of result.stdout) {
    const [name, arch, version, status] = line.split('\t');
    // Status `ii`, `hi`…: the second letter is the state; `n` (not installed) and `c` (config files only) have no version.
    const state = status?.[1];
    if (!name || !arch || !version || state === undefined || state === 'n' || state === 'c') continue;
    installed.set(`${name}:${arch}`, { name, arch, version });
  }
  return installed;
}

/** What changed between two readings of the dpkg database. */
export function changedPackages(
  before: Map<string, InstalledPackage>,
  after: Map<string, InstalledPackage>,
): TransactionItem[] {
  const changed: TransactionItem[] = [];
  for (const [key, now] of after) {
    const was = before.get(key);
    if (was?.version !== now.version)
      changed.push({
        name: now.name,
        arch: now.arch,
        ...(was ? { fromVersion: was.version } : {}),
        toVersion: now.version,
      });
  }
  for (const [key, was] of before)
    if (!after.has(key)) changed.push({ name: was.name, arch: was.arch, fromVersion: was.version });
  return changed;
}
