import { type InstallProgress, installStep } from '../sdk/index.js';
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
  if (ref) return installStep(text, `${ref.id}//${ref.branch}`, done, total);
  if (/^error: /i.test(text)) return { stage: 'error', message: text };
  return { stage: 'output', message: text };
}
