import type { InstallProgress } from '../sdk/index.js';
import { parseNevra } from './package-names.js';

// dnf4/yum: `  Upgrading        : rf-test-a-1.1-1.noarch        2/5`; `Preparing` has no package.
const DNF4_STEP = /^\s+([A-Z][A-Za-z]*(?: [a-z]+)?)\s*: (\S*)\s+(\d+)\/(\d+)\s*$/;
// dnf4/yum download: `(1/3): rf-test-a-1.1-1.noarch.rpm    1.2 MB/s | 5.4 kB  00:00`.
const DNF4_DOWNLOAD = /^\((\d+)\/(\d+)\): (\S+?)\.rpm\s/;
// dnf5: `[2/5] Upgrading rf-test-a-0:1.1-1.noarch      100% | …`; downloads name only the package.
const DNF5_STEP = /^\[\s*(\d+)\/(\d+)\]\s+(.+?)(?:\s+\d{1,3}%\s+\|.*)?$/;
const WAITING = /^Waiting for process with pid \d+ to finish\.?$/;

/**
 * One line of `dnf upgrade -y` output as progress, or null for a line that is not a step (never
 * throws). The transaction's steps run 0–90 %, rpm's verification of the result 90–100 %.
 */
export function parseProgressLine(line: string): InstallProgress | null {
  const trimmed = line.trim();
  if (WAITING.test(trimmed))
    return { stage: 'waiting', message: `waiting for another package manager: ${trimmed}` };
  const step = DNF4_STEP.exec(line);
  if (step) {
    const [, action = '', nevraText = '', done = '', total = ''] = step;
    const fraction = ratio(done, total);
    if (fraction === null) return null;
    const verifying = action === 'Verifying';
    const percent = verifying ? 90 + fraction * 10 : fraction * 90;
    return progress('install', percent, `${action} ${nevraText}`.trim(), nevraText);
  }
  const download = DNF4_DOWNLOAD.exec(trimmed);
  if (download) {
    const [, done = '', total = '', file = ''] = download;
    const fraction = ratio(done, total);
    return fraction === null ? null : progress('download', fraction * 100, `Downloaded ${file}.rpm`, file);
  }
  const dnf5 = DNF5_STEP.exec(trimmed);
  if (dnf5) {
    const [, done = '', total = '', what = ''] = dnf5;
    const fraction = ratio(done, total);
    if (fraction === null) return null;
    const action = /^([A-Z][a-z]+) (\S+)$/.exec(what);
    if (action) return progress('install', fraction * 100, what, action[2] ?? '');
    // A download step names the package alone; other steps are phrases (`Prepare transaction`).
    if (parseNevra(what)) return progress('download', fraction * 100, `Downloaded ${what}`, what);
    return progress('install', fraction * 100, what, '');
  }
  return null;
}

function ratio(done: string, total: string): number | null {
  const d = Number(done);
  const t = Number(total);
  if (!Number.isFinite(d) || !Number.isFinite(t) || t <= 0 || d < 0 || d > t) return null;
  return d / t;
}

function progress(
  stage: InstallProgress['stage'],
  percent: number,
  message: string,
  nevraText: string,
): InstallProgress {
  const name = parseNevra(nevraText)?.name;
  return {
    stage,
    percent: Math.round(Math.min(100, Math.max(0, percent)) * 10) / 10,
    message,
    ...(name ? { package: name } : {}),
  };
}
