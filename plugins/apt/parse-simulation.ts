import { emptyTransaction, type Transaction, type TransactionItem } from '../sdk/index.js';
import { isSecuritySuite, suitesOfArchives } from './archives.js';
import { isArch, isPackageName, isVersion, splitArchQualifier } from './package-names.js';
import { quote } from './parse-upgradable.js';

export interface ParsedSimulation {
  transaction: Transaction;
  /** Lines starting with Inst/Conf/Remv/Purg that could not be read. */
  warnings: string[];
  /** What apt said besides the transaction: `Skipping x, it is not installed…`, `E:`/`W:` lines. */
  notes: string[];
}

// `Inst name [current] (candidate Origin:Version/archive[, …] [arch]) …`; a new package has no
// `[current]`; trailing `[]` / `[pkg on pkg]` annotations vary, so stop at the first `[arch])`.
const INST = /^Inst (\S+)(?: \[([^\]\s]+)\])? \((\S+)(?: ([^[]*?))? \[([^\]\s]+)\]\)/;
const CONF = /^Conf (\S+) \((\S+)(?: ([^[]*?))? \[([^\]\s]+)\]\)/;
// `Remv name [version]`, sometimes followed by annotations; the version may be absent.
const REMOVE = /^(?:Remv|Purg) (\S+)(?: \[([^\]\s]+)\])?(?: .*)?$/;
const NOTE =
  /^(?:E|W): |^Skipping |is already the newest version|^The following held packages will be changed/;

/**
 * Reads the machine-readable part of `apt-get -s` (Inst/Conf/Remv/Purg lines) into a
 * transaction. Never throws; every other line is apt's prose and is ignored except the notes
 * a person should see.
 */
export function parseSimulation(lines: readonly string[]): ParsedSimulation {
  const transaction = emptyTransaction();
  const warnings: string[] = [];
  const notes: string[] = [];
  for (const raw of lines) {
    const line = raw.trimEnd();
    if (/^(Inst|Conf|Remv|Purg)\b/.test(line)) {
      const problem = readAction(line, transaction);
      if (problem) warnings.push(`unreadable line in apt-get simulation (${problem}): ${quote(raw)}`);
    } else if (NOTE.test(line.trim())) {
      notes.push(line.trim());
    }
  }
  return { transaction, warnings, notes };
}

function readAction(line: string, transaction: Transaction): string | null {
  const keyword = line.slice(0, 4);
  if (keyword === 'Inst') {
    const match = INST.exec(line);
    if (!match) return 'not Inst name [current] (version archive [arch])';
    const [, qualified = '', from, to = '', archives = '', arch = ''] = match;
    const item = toItem(qualified, arch, to, archives);
    if (typeof item === 'string') return item;
    if (from !== undefined && !isVersion(from)) return 'bad current version';
    if (from === undefined) transaction.newPackages.push(item);
    else transaction.upgrades.push({ ...item, fromVersion: from });
    return null;
  }
  if (keyword === 'Conf') {
    // Configuration steps repeat the Inst lines; read only to notice garbled output.
    const match = CONF.exec(line);
    if (!match) return 'not Conf name (version archive [arch])';
    const item = toItem(match[1] ?? '', match[4] ?? '', match[2] ?? '', match[3] ?? '');
    return typeof item === 'string' ? item : null;
  }
  const match = REMOVE.exec(line);
  if (!match) return 'not Remv name [version]';
  const { name, arch } = splitArchQualifier(match[1] ?? '');
  if (!isPackageName(name) || (arch !== undefined && !isArch(arch))) return 'bad package name';
  const version = match[2];
  if (version !== undefined && !isVersion(version)) return 'bad version';
  transaction.removals.push({
    name,
    ...(arch ? { arch } : {}),
    ...(version ? { fromVersion: version } : {}),
  });
  return null;
}

function toItem(
  qualified: string,
  arch: string,
  version: string,
  archives: string,
): TransactionItem | string {
  const { name } = splitArchQualifier(qualified);
  if (!isPackageName(name)) return 'bad package name';
  if (!isArch(arch)) return 'bad architecture';
  if (!isVersion(version)) return 'bad version';
  // Free text from the repository's Release file, shown in the panel: printable ASCII only.
  if (!/^[\x20-\x7e]*$/.test(archives)) return 'bad archive';
  const suites = suitesOfArchives(archives);
  return {
    name,
    arch,
    toVersion: version,
    ...(archives.trim() ? { source: archives.trim() } : {}),
    security: suites.some(isSecuritySuite),
  };
}
