import { isPackageName } from './package-names.js';
import { isChatter, quote } from './parse-lines.js';

export interface ParsedVersionlock {
  /** Names of the locked packages, in the list's order, without repeats. */
  names: string[];
  warnings: string[];
}

/**
 * Reads `versionlock list` of the three front ends:
 * - dnf4: `name-[epoch:]version-release.arch`, arch often `*`; `!name-…` entries are excludes
 *   (one version kept out), not locks;
 * - yum 3: `epoch:name-version-release.arch`;
 * - dnf5: `Package name: name` followed by its conditions (`evr = 1.0-1`) and `#` comments.
 * Never throws; an entry it cannot read is reported.
 */
export function parseVersionlock(lines: readonly string[]): ParsedVersionlock {
  const names: string[] = [];
  const warnings: string[] = [];
  const add = (name: string) => names.includes(name) || names.push(name);
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || isChatter(raw) || /^versionlock list done$/.test(line))
      continue;
    const dnf5 = /^Package name: (\S+)$/.exec(line);
    if (dnf5) {
      if (isPackageName(dnf5[1] ?? '')) add(dnf5[1] ?? '');
      else warnings.push(`unreadable versionlock entry: ${quote(raw)}`);
      continue;
    }
    // dnf5's conditions under a package: `evr = 1.0-1`, `arch = x86_64`.
    if (/^[a-z]+ (=|<|>|<=|>=|!=) \S+$/.test(line)) continue;
    if (line.startsWith('!')) continue;
    const name = lockedName(line);
    if (name) add(name);
    else warnings.push(`unreadable versionlock entry: ${quote(raw)}`);
  }
  return { names, warnings };
}

/** The name in `name-[epoch:]version-release.arch` or `epoch:name-version-release.arch`. */
function lockedName(entry: string): string | null {
  const withoutYumEpoch = entry.replace(/^\d+:(?=[^:]*$)/, '');
  const dot = withoutYumEpoch.lastIndexOf('.');
  const nevr = dot === -1 ? withoutYumEpoch : withoutYumEpoch.slice(0, dot);
  const arch = dot === -1 ? '*' : withoutYumEpoch.slice(dot + 1);
  if (!/^(\*|[A-Za-z0-9_]+)$/.test(arch)) return null;
  const releaseDash = nevr.lastIndexOf('-');
  const versionDash = releaseDash <= 0 ? -1 : nevr.lastIndexOf('-', releaseDash - 1);
  if (versionDash <= 0) return null;
  const name = nevr.slice(0, versionDash);
  const evr = nevr.slice(versionDash + 1);
  return isPackageName(name) && /^(\d+:)?[A-Za-z0-9._+~^*]+-[A-Za-z0-9._+~^*]+$/.test(evr) ? name : null;
}
