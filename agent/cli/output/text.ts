import type { Severity } from '../../../broker/protocol/index.js';

export interface Styler {
  enabled: boolean;
  severity(severity: string, text: string): string;
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
}

const SEVERITY_CODES: Record<Severity, [number, number]> = {
  critical: [91, 1], // bright red, bold
  high: [31, 0],
  medium: [33, 0],
  low: [36, 0],
  unknown: [2, 0],
};

/**
 * Colours when stdout is a terminal and NO_COLOR is not set (https://no-color.org),
 * FORCE_COLOR forcing them on; plain text otherwise, so pipes and files get no escapes.
 */
export function styler(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Styler {
  const enabled = env.FORCE_COLOR
    ? env.FORCE_COLOR !== '0'
    : Boolean(stream.isTTY) && !env.NO_COLOR && env.TERM !== 'dumb';
  const wrap = (codes: number[], text: string) =>
    enabled ? `\x1b[${codes.filter((c) => c !== 0).join(';')}m${text}\x1b[0m` : text;
  return {
    enabled,
    severity: (severity, text) => wrap(SEVERITY_CODES[severity as Severity] ?? [0, 0], text),
    bold: (t) => wrap([1], t),
    dim: (t) => wrap([2], t),
    red: (t) => wrap([31], t),
    green: (t) => wrap([32], t),
    yellow: (t) => wrap([33], t),
  };
}

/**
 * Package names, versions and messages come from package managers and repositories: control
 * characters (a crafted name with terminal escapes) are shown as `?`, never passed to the terminal.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

/** A plain-text table; `paint` colours a cell after its width is measured. */
export function renderTable(
  headers: string[],
  rows: string[][],
  paint: (column: number, row: number, padded: string) => string = (_c, _r, t) => t,
): string {
  const cells = rows.map((r) => r.map(printable));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[], rowIndex: number | null) =>
    r
      .map((cell, i) => {
        const padded = i === r.length - 1 ? cell : cell.padEnd(widths[i]!);
        return rowIndex === null ? padded : paint(i, rowIndex, padded);
      })
      .join('  ')
      .trimEnd();
  return [line(headers, null), ...cells.map((r, i) => line(r, i))].join('\n');
}

/** RFC 4180: every field quoted when it holds a comma, quote or line break. */
export function toCsv(
  headers: string[],
  rows: Array<Array<string | number | boolean | null | undefined>>,
): string {
  const field = (v: string | number | boolean | null | undefined) => {
    const text = v === null || v === undefined ? '' : String(v);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [headers, ...rows].map((r) => r.map(field).join(',')).join('\r\n') + '\r\n';
}

/** `2026-11-23 18:04` in local time, or `never`. */
export function shortTime(iso: string | null | undefined): string {
  if (!iso) return 'never';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
