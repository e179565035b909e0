import { quote } from './refs.js';

export interface ParsedColumns<T> {
  rows: T[];
  /** One per line that could not be read, quoting it. */
  warnings: string[];
}

/**
 * Reads flatpak's `--columns=` output: without a terminal, one tab-separated line per row, no
 * header. `read` turns the fields into a row or says why it cannot. Never throws.
 */
export function parseColumns<T>(
  lines: readonly string[],
  columns: number,
  source: string,
  read: (fields: string[]) => T | string,
): ParsedColumns<T> {
  const rows: T[] = [];
  const warnings: string[] = [];
  for (const raw of lines) {
    if (raw.trim() === '') continue;
    const fields = raw.split('\t').map((f) => f.trim());
    const row = fields.length === columns ? read(fields) : `not ${columns} tab-separated columns`;
    if (typeof row === 'string') warnings.push(`unreadable line in ${source} (${row}): ${quote(raw)}`);
    else rows.push(row);
  }
  return { rows, warnings };
}
