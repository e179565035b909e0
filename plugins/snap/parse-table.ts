import { quote } from './names.js';

export interface TableRow {
  /** The cells, keyed by column title. */
  cells: Record<string, string>;
  /** The line as printed, for messages. */
  line: string;
}

export interface ParsedTable {
  rows: TableRow[];
  /** One per line that could not be read, quoting it. */
  warnings: string[];
}

/**
 * Reads a table snap prints with Go's tabwriter: a header line, then rows whose cells start
 * exactly where the header's titles start. Cells are read by those positions, so a row that does
 * not line up (a cell running into the next, a missing cell) is reported rather than read
 * shifted. snap's cells never contain spaces and never are empty (`-` stands for nothing).
 * Never throws.
 */
export function parseTable(
  lines: readonly string[],
  columns: readonly string[],
  source: string,
): ParsedTable {
  const rows: TableRow[] = [];
  const warnings: string[] = [];
  const content = lines.filter((l) => l.trim() !== '');
  const [header, ...body] = content;
  if (header === undefined) return { rows, warnings };
  const starts = columnStarts(header, columns);
  if (!starts) {
    warnings.push(`unexpected header in ${source} (not ${columns.join(' ')}): ${quote(header)}`);
    for (const line of body)
      warnings.push(`unreadable line in ${source} (no header to read it by): ${quote(line)}`);
    return { rows, warnings };
  }
  for (const line of body) {
    const row = readRow(line.trimEnd(), columns, starts);
    if (typeof row === 'string') warnings.push(`unreadable line in ${source} (${row}): ${quote(line)}`);
    else rows.push({ cells: row, line });
  }
  return { rows, warnings };
}

function columnStarts(header: string, columns: readonly string[]): number[] | null {
  if (header.trim().split(/\s+/).join(' ') !== columns.join(' ') || header.startsWith(' ')) return null;
  const starts: number[] = [];
  let from = 0;
  for (const title of columns) {
    const at = header.indexOf(title, from);
    starts.push(at);
    from = at + title.length;
  }
  return starts;
}

function readRow(
  line: string,
  columns: readonly string[],
  starts: number[],
): Record<string, string> | string {
  const row: Record<string, string> = {};
  for (let i = 0; i < columns.length; i++) {
    const start = starts[i]!;
    const end = starts[i + 1] ?? line.length;
    if (line.length <= start) return `no ${columns[i]} column`;
    if (i > 0 && line[start - 1] !== ' ') return `${columns[i - 1]} runs into ${columns[i]}`;
    const cell = line.slice(start, end);
    const value = cell.trim();
    if (value === '' || cell.startsWith(' ') || /\s/.test(value))
      return `${columns[i]} is not one word at its column`;
    row[columns[i]!] = value;
  }
  return row;
}
