import { type InstallProgress, installStep } from '../sdk/index.js';

// Without a terminal pacman prints one plain line per step (no progress bars):
// `:: Retrieving packages...`, ` rf-test-a-1.1-1-any downloading...`, `upgrading rf-test-a...`.
const STEP = /^(installing|upgrading|downgrading|reinstalling|removing) (\S+)\.\.\.$/;
const DOWNLOAD = /^(\S+) downloading\.\.\.$/;

/**
 * One line of `pacman -S` output as progress. `total` is the number of packages the transaction
 * touches and `done` counts the steps seen so far, for a percentage. Never throws.
 */
export function parseProgressLine(line: string, done: number, total: number): InstallProgress | null {
  const text = line.trim();
  if (text === '') return null;
  const step = STEP.exec(text);
  if (step) return installStep(text, step[2] ?? '', done, total);
  const download = DOWNLOAD.exec(text);
  if (download) return { stage: 'download', message: text };
  if (text.startsWith(':: Retrieving packages')) return { stage: 'download', message: text };
  if (text.startsWith('error: ')) return { stage: 'error', message: text };
  return { stage: 'output', message: text };
}
