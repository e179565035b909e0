import { isArch, isBranch, isFlatpakId, isRemote, quote } from './refs.js';

export type TransactionOp = 'install' | 'update' | 'uninstall';

export interface TransactionRow {
  op: TransactionOp;
  id: string;
  /** Absent when flatpak left the column out (every row has the default arch). */
  arch?: string;
  branch: string;
  /** Absent for an uninstall. */
  remote?: string;
}

export interface ParsedTransaction {
  rows: TransactionRow[];
  warnings: string[];
}

// The one-letter Op column: `i` install (also bundles and rebases), `u` update, `r` uninstall.
const OPS: Record<string, TransactionOp> = { i: 'install', u: 'update', r: 'uninstall' };
const ROW = /^\s*\d+\.\t/;

/**
 * Reads the transaction table `flatpak update -y` prints before it runs: tab-separated rows
 * ` 1.\t   \tID\t[Arch\t]Branch\tOp[\tRemote\tDownload]`, no header without a terminal. The Arch
 * column is left out when every row has the default arch, and uninstall rows have no remote, so
 * the row's length says which columns are there. Every other line (progress, notes) is skipped.
 * Never throws.
 */
export function parseTransaction(lines: readonly string[]): ParsedTransaction {
  const rows: TransactionRow[] = [];
  const warnings: string[] = [];
  for (const raw of lines) {
    if (!ROW.test(raw)) continue;
    const fields = raw
      .split('\t')
      .slice(2)
      .map((f) => f.trim());
    while (fields.at(-1) === '') fields.pop(); // an uninstall row may be padded to the table's width
    const row = readRow(fields);
    if (typeof row === 'string')
      warnings.push(`unreadable line in the flatpak transaction (${row}): ${quote(raw)}`);
    else rows.push(row);
  }
  return { rows, warnings };
}

function readRow(fields: string[]): TransactionRow | string {
  // 3: ID Branch Op (uninstall); 5: ID Branch Op Remote Download; 4 and 6: the same with Arch.
  const withArch = fields.length === 4 || fields.length === 6;
  if (![3, 4, 5, 6].includes(fields.length)) return 'unexpected number of columns';
  const [id = '', ...rest] = fields;
  const arch = withArch ? rest.shift() : undefined;
  const [branch = '', opLetter = '', remote] = rest;
  const op = OPS[opLetter];
  if (!op) return 'unknown operation';
  if (!isFlatpakId(id)) return 'bad ID';
  if (arch !== undefined && !isArch(arch)) return 'bad arch';
  if (!isBranch(branch)) return 'bad branch';
  if (op === 'uninstall' ? remote !== undefined : remote === undefined || !isRemote(remote))
    return 'bad remote';
  return { op, id, ...(arch ? { arch } : {}), branch, ...(remote ? { remote } : {}) };
}
