import {
  isChannel,
  isNotes,
  isPublisher,
  isRevision,
  isSize,
  isSnapName,
  isSnapVersion,
  quote,
} from './names.js';
import { parseTable } from './parse-table.js';

export interface RefreshCandidate {
  name: string;
  version: string;
  revision: string;
  /** Download size as snap prints it (`260MB`). */
  size: string;
  publisher: string;
  notes: string[];
}

export interface InstalledSnap {
  name: string;
  version: string;
  revision: string;
  /** The channel it follows (`latest/stable`), `-` for a snap installed from a file. */
  tracking: string;
  publisher: string;
  /** `base`, `kernel`, `held`, `disabled`, `classic`…; empty for `-`. */
  notes: string[];
}

export interface Parsed<T> {
  items: T[];
  warnings: string[];
}

const notesOf = (text: string): string[] => (text === '-' ? [] : text.split(','));

/** A column of a snap table: its title, the test a cell must pass, and what to call one that fails. */
type ColumnCheck = readonly [title: string, valid: (cell: string) => boolean, problem: string];

const NAME_VERSION_REV: readonly ColumnCheck[] = [
  ['Name', isSnapName, 'bad name'],
  ['Version', isSnapVersion, 'bad version'],
  ['Rev', isRevision, 'bad revision'],
];
const PUBLISHER_NOTES: readonly ColumnCheck[] = [
  ['Publisher', isPublisher, 'bad publisher'],
  ['Notes', isNotes, 'bad notes'],
];

/**
 * Reads a snap table whose columns are `checks`, in order: each row whose cells all pass
 * becomes an item, any other one a warning naming the first cell that failed. Never throws.
 */
function parseCheckedTable<T>(
  lines: readonly string[],
  source: string,
  checks: readonly ColumnCheck[],
  item: (cells: Record<string, string>) => T,
): Parsed<T> {
  const table = parseTable(
    lines,
    checks.map(([title]) => title),
    source,
  );
  const items: T[] = [];
  for (const { cells, line } of table.rows) {
    const failed = checks.find(([title, valid]) => !valid(cells[title] ?? ''));
    if (failed) table.warnings.push(`unreadable line in ${source} (${failed[2]}): ${quote(line)}`);
    else items.push(item(cells));
  }
  return { items, warnings: table.warnings };
}

/** Parses `snap refresh --list` (stdout; "All snaps up to date." goes to stderr). Never throws. */
export function parseRefreshList(lines: readonly string[]): Parsed<RefreshCandidate> {
  const checks = [...NAME_VERSION_REV, ['Size', isSize, 'bad size'] as const, ...PUBLISHER_NOTES];
  return parseCheckedTable(lines, 'snap refresh --list', checks, (cells) => ({
    name: cells.Name!,
    version: cells.Version!,
    revision: cells.Rev!,
    size: cells.Size!,
    publisher: cells.Publisher!,
    notes: notesOf(cells.Notes!),
  }));
}

/** Parses `snap list`. Never throws. */
export function parseSnapList(lines: readonly string[]): Parsed<InstalledSnap> {
  const checks = [...NAME_VERSION_REV, ['Tracking', isChannel, 'bad channel'] as const, ...PUBLISHER_NOTES];
  return parseCheckedTable(lines, 'snap list', checks, (cells) => ({
    name: cells.Name!,
    version: cells.Version!,
    revision: cells.Rev!,
    tracking: cells.Tracking!,
    publisher: cells.Publisher!,
    notes: notesOf(cells.Notes!),
  }));
}
