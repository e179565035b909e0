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

/** Parses `snap refresh --list` (stdout; "All snaps up to date." goes to stderr). Never throws. */
export function parseRefreshList(lines: readonly string[]): Parsed<RefreshCandidate> {
  const columns = ['Name', 'Version', 'Rev', 'Size', 'Publisher', 'Notes'];
  const table = parseTable(lines, columns, 'snap refresh --list');
  const items: RefreshCandidate[] = [];
  for (const { cells, line } of table.rows) {
    const { Name = '', Version = '', Rev = '', Size = '', Publisher = '', Notes = '' } = cells;
    const problem = !isSnapName(Name)
      ? 'bad name'
      : !isSnapVersion(Version)
        ? 'bad version'
        : !isRevision(Rev)
          ? 'bad revision'
          : !isSize(Size)
            ? 'bad size'
            : !isPublisher(Publisher)
              ? 'bad publisher'
              : !isNotes(Notes)
                ? 'bad notes'
                : null;
    if (problem) table.warnings.push(`unreadable line in snap refresh --list (${problem}): ${quote(line)}`);
    else
      items.push({
        name: Name,
        version: Version,
        revision: Rev,
        size: Size,
        publisher: Publisher,
        notes: notesOf(Notes),
      });
  }
  return { items, warnings: table.warnings };
}

/** Parses `snap list`. Never throws. */
export function parseSnapList(lines: readonly string[]): Parsed<InstalledSnap> {
  const columns = ['Name', 'Version', 'Rev', 'Tracking', 'Publisher', 'Notes'];
  const table = parseTable(lines, columns, 'snap list');
  const items: InstalledSnap[] = [];
  for (const { cells, line } of table.rows) {
    const { Name = '', Version = '', Rev = '', Tracking = '', Publisher = '', Notes = '' } = cells;
    const problem = !isSnapName(Name)
      ? 'bad name'
      : !isSnapVersion(Version)
        ? 'bad version'
        : !isRevision(Rev)
          ? 'bad revision'
          : !isChannel(Tracking)
            ? 'bad channel'
            : !isPublisher(Publisher)
              ? 'bad publisher'
              : !isNotes(Notes)
                ? 'bad notes'
                : null;
    if (problem) table.warnings.push(`unreadable line in snap list (${problem}): ${quote(line)}`);
    else
      items.push({
        name: Name,
        version: Version,
        revision: Rev,
        tracking: Tracking,
        publisher: Publisher,
        notes: notesOf(Notes),
      });
  }
  return { items, warnings: table.warnings };
}
