import { isArch, isPackageName, isVersion } from './package-names.js';

export interface UpgradableEntry {
  name: string;
  arch: string;
  currentVersion: string;
  availableVersion: string;
  /** Suites that carry the candidate, in apt's order, without repeats. */
  suites: string[];
}

export interface ParsedUpgradable {
  entries: UpgradableEntry[];
  /** One per line that looked like neither a package nor apt chatter, with the line. */
  warnings: string[];
}

// `name/suite[,suite…] newver arch [upgradable from: oldver]` (fixtures/apt/README).
const LINE = /^(\S+?)\/(\S+) (\S+) (\S+) \[upgradable from: ([^\]\s]+)\]$/;

/**
 * Parses `apt list --upgradable` (LC_ALL=C). Never throws: a line it cannot read is reported
 * and skipped, every other line still counts. Fields are checked against Debian's rules, so a
 * record never carries a garbled name or version.
 */
export function parseUpgradable(lines: readonly string[]): ParsedUpgradable {
  const entries: UpgradableEntry[] = [];
  const warnings: string[] = [];
  for (const raw of lines) {
    const line = raw.trim();
    // Progress and notices, not packages: `Listing...`, `Listing... Done`, `N: There is 1 additional version`.
    if (line === '' || line.startsWith('Listing...') || line.startsWith('N: ')) continue;
    const entry = parseLine(line);
    if (typeof entry === 'string')
      warnings.push(`unreadable line in apt list --upgradable (${entry}): ${quote(raw)}`);
    else entries.push(entry);
  }
  return { entries, warnings };
}

function parseLine(line: string): UpgradableEntry | string {
  const match = LINE.exec(line);
  if (!match) return 'not name/suite version arch [upgradable from: version]';
  const [, name = '', suiteList = '', availableVersion = '', arch = '', currentVersion = ''] = match;
  if (!isPackageName(name)) return 'bad package name';
  if (!isVersion(availableVersion) || !isVersion(currentVersion)) return 'bad version';
  if (!isArch(arch)) return 'bad architecture';
  const suites = [...new Set(suiteList.split(','))];
  if (suites.some((s) => !/^[A-Za-z0-9][A-Za-z0-9._+~-]*$/.test(s))) return 'bad suite';
  return { name, arch, currentVersion, availableVersion, suites };
}

/** The line as text safe to log: control characters escaped, length bounded. */
export function quote(line: string): string {
  const shown = JSON.stringify(line.length > 200 ? `${line.slice(0, 200)}…` : line);
  return shown;
}
