import type { InstallProgress } from '../sdk/index.js';
import { parseRef } from './refs.js';

// `flatpak update --noninteractive` prints one line per operation as it starts it:
// `Installing runtime/org.freedesktop.Platform/x86_64/23.08`, `Updating app/org.x.Y/x86_64/stable`.
const STEP = /^(Installing|Updating|Uninstalling) (\S+)$/;

/**
 * One line of a non-interactive `flatpak update` as progress. `done` counts the steps seen so
 * far and `total` the operations of the transaction, for a percentage. Never throws.
 */
export function parseProgressLine(line: string, done: number, total: number): InstallProgress | null {
  const text = line.trim();
  if (text === '') return null;
  const step = STEP.exec(text);
  const ref = step ? parseRef(step[2] ?? '') : null;
  if (ref) {
    const percent = total > 0 ? Math.min(100, Math.round((100 * (done + 1)) / total)) : undefined;
    return {
      stage: 'install',
      package: `${ref.id}//${ref.branch}`,
      message: text,
      ...(percent === undefined ? {} : { percent }),
    };
  }
  if (/^error: /i.test(text)) return { stage: 'error', message: text };
  return { stage: 'output', message: text };
}
