import { isPackageName, isVersion, quote } from './package-names.js';

export interface PendingUpgrade {
  name: string;
  currentVersion: string;
  availableVersion: string;
  /** In IgnorePkg/IgnoreGroup: pacman marks it `[ignored]` and a system upgrade skips it. */
  ignored: boolean;
}

export interface ParsedUpgrades {
  upgrades: PendingUpgrade[];
  /** One per line that could not be read, quoting it. */
  warnings: string[];
}

// `name old -> new`, with ` [ignored]` for held packages (fixtures/pacman/pacman-Qu.txt).
const LINE = /^(\S+) (\S+) -> (\S+)( \[ignored\])?$/;

/**
 * Parses `pacman -Qu` and `checkupdates` output (the same format; checkupdates drops the
 * `[ignored]` lines). Never throws: a line it cannot read is reported and skipped.
 */
export function parseUpgrades(lines: readonly string[], source = 'pacman -Qu'): ParsedUpgrades {
  const upgrades: PendingUpgrade[] = [];
  const warnings: string[] = [];
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '') continue;
    const match = LINE.exec(line);
    const [, name = '', currentVersion = '', availableVersion = '', ignored] = match ?? [];
    const problem = !match
      ? 'not name version -> version'
      : !isPackageName(name)
        ? 'bad package name'
        : !isVersion(currentVersion) || !isVersion(availableVersion)
          ? 'bad version'
          : null;
    if (problem) warnings.push(`unreadable line in ${source} (${problem}): ${quote(raw)}`);
    else upgrades.push({ name, currentVersion, availableVersion, ignored: ignored !== undefined });
  }
  return { upgrades, warnings };
}
