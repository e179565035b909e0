/** How management commands print: JSON on request, else a line or an aligned table for people. */

export function print(json: boolean | undefined, value: unknown, human: () => string) {
  process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${human()}\n`);
}

export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export const iso = (value: unknown) =>
  value ? new Date(String(value)).toISOString().replace(/\.\d{3}Z$/, 'Z') : '-';
