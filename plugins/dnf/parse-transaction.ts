import { emptyTransaction, type Transaction, type TransactionItem } from '../sdk/index.js';
import { isArch, isFullEvr, isPackageName, isRepoId } from './package-names.js';
import { quote } from './parse-lines.js';
import { normalizeEvr } from './rpm-version.js';

export interface ParsedTransaction {
  transaction: Transaction;
  /** Rows, sections and summaries that could not be read: the transaction is not exact. */
  warnings: string[];
  /** What dnf said besides the table: unmatched arguments, skipped packages, reinstalls… */
  notes: string[];
  /** A transaction table was printed. */
  table: boolean;
  /** dnf said "Nothing to do." */
  nothingToDo: boolean;
}

/** What a section of the table does to the packages listed under it. */
type SectionKind =
  'install' | 'dependency' | 'upgrade' | 'downgrade' | 'reinstall' | 'remove' | 'skipped' | 'other';

// Section headers of dnf4 (dnf/cli/output.py list_transaction), dnf5 (libdnf5-cli
// transaction_table.cpp) and yum 3, without their colon. `other` sections list modules,
// groups and reason changes: free text, not packages.
const SECTIONS: Readonly<Record<string, SectionKind>> = {
  Installing: 'install',
  Upgrading: 'upgrade',
  Updating: 'upgrade',
  Downgrading: 'downgrade',
  Reinstalling: 'reinstall',
  'Installing dependencies': 'dependency',
  'Installing weak dependencies': 'dependency',
  'Installing for dependencies': 'dependency',
  'Installing group/module packages': 'dependency',
  'Installing group packages': 'dependency',
  'Updating for dependencies': 'upgrade',
  Removing: 'remove',
  'Removing dependent packages': 'remove',
  'Removing unused dependencies': 'remove',
  'Removing for dependencies': 'remove',
  'Skipping packages with conflicts': 'skipped',
  'Skipping packages with broken dependencies': 'skipped',
  'Skipping packages with broken dependencies or part of a group': 'skipped',
  'Changing reason': 'other',
  'Installing module profiles': 'other',
  'Disabling module profiles': 'other',
  'Enabling module streams': 'other',
  'Switching module streams': 'other',
  'Disabling modules': 'other',
  'Resetting modules': 'other',
  'Installing Environment Groups': 'other',
  'Upgrading Environment Groups': 'other',
  'Removing Environment Groups': 'other',
  'Installing Groups': 'other',
  'Upgrading Groups': 'other',
  'Removing Groups': 'other',
  'Installing groups': 'other',
  'Installing groups dependencies': 'other',
  'Removing groups': 'other',
  'Upgrading groups': 'other',
  'Installing environmental groups': 'other',
  'Removing environmental groups': 'other',
  'Upgrading environmental groups': 'other',
};

type Counted = 'install' | 'upgrade' | 'remove' | 'downgrade' | 'reinstall';
const COUNTED_AS: Partial<Record<SectionKind, Counted>> = {
  install: 'install',
  dependency: 'install',
  upgrade: 'upgrade',
  downgrade: 'downgrade',
  reinstall: 'reinstall',
  remove: 'remove',
};
// Summary lines: dnf4 `Install  3 Packages`; yum 3 adds dependencies, `Install  1 Package (+2
// Dependent packages)`, or without packages of its own `Install   ( 1 Dependent package)`;
// dnf5 ` Installing:  3 packages`.
const SUMMARY_DNF4 =
  /^(Install|Upgrade|Update|Remove|Erase|Downgrade|Reinstall)\s+(?:(\d+) Packages?)?\s*(?:\(\+?\s*(\d+) Dependent packages?\))?$/;
const SUMMARY_DNF5 = /^(Installing|Upgrading|Removing|Downgrading|Reinstalling):\s+(\d+) packages?$/;
const SUMMARY_KIND: Readonly<Record<string, Counted>> = {
  Install: 'install',
  Installing: 'install',
  Upgrade: 'upgrade',
  Update: 'upgrade',
  Upgrading: 'upgrade',
  Remove: 'remove',
  Erase: 'remove',
  Removing: 'remove',
  Downgrade: 'downgrade',
  Downgrading: 'downgrade',
  Reinstall: 'reinstall',
  Reinstalling: 'reinstall',
};
// The table's column header: ` Package  Arch(itecture)  Version  Repo(sitory)  Size`.
const COLUMN_HEADER = /^Package\s+Arch(?:itecture)?\s+Version\s+Repo(?:sitory)?\s+Size$/;
// dnf4: `5.4 k`, `123` (bytes); dnf5: `45.3 MiB`, `38.0   B`.
const SIZE = /^\d+(?:\.\d+)? ?(?:[kMGTPEZY]|[KMGTPE]iB|B)?$/;
const NOTE =
  /^No match for argument|available, but not installed\.$|is already installed\.$|^All matches were filtered out|^Problem( \d+)?: |^Skipping packages|^Package .* is not installed\.?$/;

interface Row {
  tokens: string[];
  raw: string[];
  section: string;
  kind: SectionKind;
}

/**
 * Reads the transaction table dnf, dnf5 and yum print before asking "Is this ok" (here answered
 * by `--assumeno`): every section, columns of any width, epochs, rows wrapped onto a second line
 * when a value overflows its column, `replacing` lines, dnf5's `new <- old` cells. The summary's
 * counts are checked against the rows read, so a row lost to garbled output cannot go unnoticed.
 * Never throws.
 */
export function parseTransaction(lines: readonly string[]): ParsedTransaction {
  const result: ParsedTransaction = {
    transaction: emptyTransaction(),
    warnings: [],
    notes: [],
    table: false,
    nothingToDo: false,
  };
  const { transaction, warnings, notes } = result;
  const counted: Record<Counted, number> = { install: 0, upgrade: 0, remove: 0, downgrade: 0, reinstall: 0 };
  const summary: Partial<Record<Counted, number>> = {};
  let mode: 'before' | 'table' | 'summary' = 'before';
  let section: { name: string; kind: SectionKind } | null = null;
  let pending: Row | null = null;
  let last: { item: TransactionItem; kind: SectionKind } | null = null;
  const report = (problem: string, raw: string): void => {
    warnings.push(`unreadable line in the transaction table (${problem}): ${quote(raw)}`);
  };

  for (const raw of lines) {
    const line = raw.trimEnd();
    const trimmed = line.trim();
    if (trimmed === 'Nothing to do.') result.nothingToDo = true;
    if (NOTE.test(trimmed)) notes.push(trimmed);
    if (mode === 'before') {
      if (COLUMN_HEADER.test(trimmed)) {
        mode = 'table';
        result.table = true;
      }
      continue;
    }
    if (mode === 'summary') {
      readSummaryLine(trimmed);
      continue;
    }
    if (trimmed === '' || /^=+$/.test(trimmed)) {
      flush();
      continue;
    }
    if (/^Transaction Summary:?$/.test(trimmed)) {
      flush();
      mode = 'summary';
      continue;
    }
    if (!/^\s/.test(line)) {
      flush();
      last = null;
      readHeader(trimmed, raw);
      continue;
    }
    readRowLine(line, raw);
  }
  flush();
  if (result.table) checkSummary();
  return result;

  function readHeader(trimmed: string, raw: string): void {
    // dnf4 adds a second header line under "Skipping packages with conflicts:".
    if (/^\(add '[^']*' to command line to force their upgrade\):$/.test(trimmed)) return;
    if (!trimmed.endsWith(':')) {
      // Not a header: a garbled row. The section goes on, so the rows after it still count.
      report('not a section header or a row', raw);
      return;
    }
    const name = trimmed.slice(0, -1);
    const kind = SECTIONS[name];
    section = kind ? { name, kind } : null;
    if (!kind) warnings.push(`unknown section in the transaction table: ${quote(raw)}`);
  }

  function readRowLine(line: string, raw: string): void {
    if (!section) return report('a row outside any known section', raw);
    if (section.kind === 'other') {
      notes.push(`${section.name}: ${line.trim()}`);
      return;
    }
    const tokens = line.trim().split(/\s+/);
    if (tokens[0] === 'replacing') {
      flush();
      return readReplacing(tokens, raw);
    }
    // dnf4 and yum move the rest of a row to the next line when a value overflows its column.
    if (pending && pending.tokens.length < 5 && /^\s{2,}\S/.test(line)) {
      pending.tokens.push(...tokens);
      pending.raw.push(raw);
      return;
    }
    if (/^ \S/.test(line)) {
      flush();
      pending = { tokens, raw: [raw], section: section.name, kind: section.kind };
      return;
    }
    flush();
    // dnf5 (narrow terminal): the version an upgrade replaces, on an indented line of its own.
    const evr = tokens.find((t) => isFullEvr(t));
    if (
      last &&
      evr &&
      tokens.length <= 5 &&
      tokens.every((t) => t === evr || isArch(t) || isRepoId(t) || SIZE.test(t))
    ) {
      if (last.kind === 'upgrade' || last.kind === 'downgrade') last.item.fromVersion = normalizeEvr(evr);
      return;
    }
    report('not name arch version repository size', raw);
  }

  function flush(): void {
    const row = pending;
    pending = null;
    if (!row) return;
    const { fields, size } = rowFields(row.tokens);
    const [name = '', arch = '', evr = '', repo = ''] = fields;
    const problem = rowProblem(fields, size);
    if (problem) {
      // A `replacing` line below a garbled row must not attach to the row before it.
      last = null;
      return report(problem, row.raw.join('\n'));
    }
    const version = normalizeEvr(evr);
    const countedAs = COUNTED_AS[row.kind];
    if (countedAs) counted[countedAs]++;
    const item: TransactionItem = { name, arch, toVersion: version, source: repo };
    switch (row.kind) {
      case 'install':
      case 'dependency':
        transaction.newPackages.push(item);
        break;
      case 'upgrade':
        transaction.upgrades.push(item);
        break;
      case 'downgrade':
        transaction.upgrades.push(item);
        notes.push(`${name}.${arch} would be downgraded to ${version}`);
        break;
      case 'remove':
        transaction.removals.push({ name, arch, fromVersion: version });
        last = null;
        return;
      case 'reinstall':
        notes.push(`${name}.${arch} ${version} would be reinstalled`);
        last = null;
        return;
      default:
        notes.push(`${name}.${arch} ${version}: ${row.section.toLowerCase()}`);
        last = null;
        return;
    }
    last = { item, kind: row.kind };
  }

  /** dnf4/yum `replacing  name.arch evr`; dnf5 ` replacing name arch evr repo size`. */
  function readReplacing(tokens: string[], raw: string): void {
    let name = '';
    let arch = '';
    let evr = '';
    if (tokens.length === 3) {
      const dot = (tokens[1] ?? '').lastIndexOf('.');
      name = (tokens[1] ?? '').slice(0, dot);
      arch = (tokens[1] ?? '').slice(dot + 1);
      evr = tokens[2] ?? '';
    } else if (tokens.length >= 6) {
      [name = '', arch = '', evr = ''] = rowFields(tokens.slice(1)).fields;
    }
    if (!last) return report('replacing without a package above it', raw);
    if (!isPackageName(name) || !isArch(arch) || !isFullEvr(evr))
      return report('not replacing name.arch version', raw);
    const version = normalizeEvr(evr);
    if (name === last.item.name) {
      last.item.fromVersion = version;
      return;
    }
    // An obsoleted package: removed by the transaction, though no Removing section names it.
    transaction.removals.push({ name, arch, fromVersion: version });
    notes.push(`${last.item.name}.${last.item.arch ?? ''} replaces ${name}.${arch} ${version}`);
  }

  function readSummaryLine(trimmed: string): void {
    const match = SUMMARY_DNF4.exec(trimmed) ?? SUMMARY_DNF5.exec(trimmed);
    // Sizes, "Operation aborted.", the download and install that follow: not counts.
    if (!match || (match[2] === undefined && match[3] === undefined)) return;
    const kind = SUMMARY_KIND[match[1] ?? ''];
    if (kind) summary[kind] = (summary[kind] ?? 0) + Number(match[2] ?? 0) + Number(match[3] ?? 0);
  }

  function checkSummary(): void {
    if (mode !== 'summary') {
      warnings.push('the transaction table has no Transaction Summary: the output was cut short');
      return;
    }
    // dnf4 lists no reinstall count; dnf5 does. Compare what the summary states.
    for (const kind of ['install', 'upgrade', 'remove', 'downgrade', 'reinstall'] as const) {
      const stated = summary[kind] ?? (kind === 'reinstall' ? counted.reinstall : 0);
      if (stated !== counted[kind])
        warnings.push(
          `the transaction summary counts ${stated} to ${kind}, the table lists ${counted[kind]}`,
        );
    }
  }
}

/**
 * The first four fields of a row and its size. dnf5 on a wide terminal writes a changed cell as
 * `new <- old`: the old value is dropped. Size is what follows, up to any arrow.
 */
function rowFields(tokens: readonly string[]): { fields: string[]; size: string[] } {
  const fields: string[] = [];
  let i = 0;
  while (fields.length < 4 && i < tokens.length) {
    fields.push(tokens[i++] ?? '');
    if (tokens[i] === '<-') i += 2;
  }
  const rest = tokens.slice(i);
  const arrow = rest.indexOf('<-');
  return { fields, size: arrow === -1 ? rest : rest.slice(0, arrow) };
}

/** What is wrong with a row's fields, or null: each obeys RPM's rules. */
function rowProblem(fields: readonly string[], size: readonly string[]): string | null {
  const [name = '', arch = '', evr = '', repo = ''] = fields;
  if (fields.length < 4 || size.length === 0) return 'not name arch version repository size';
  if (!isPackageName(name)) return 'bad package name';
  if (!isArch(arch)) return 'bad architecture';
  if (!isFullEvr(evr)) return 'bad version';
  if (!isRepoId(repo)) return 'bad repository';
  if (!SIZE.test(size.join(' '))) return 'bad size';
  return null;
}
