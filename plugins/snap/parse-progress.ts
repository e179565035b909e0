import { type InstallProgress, installStep } from '../sdk/index.js';

// `snap refresh` ends with one line per refreshed snap (cmd/snap showDone):
// `firefox 122.0.1-1 from Mozilla* refreshed`, `lxd (5.19/stable) 5.19-8635f82 from Canonical* refreshed`.
const REFRESHED = /^([a-z0-9][a-z0-9_-]*)(?: \([^)]*\))? (\S+) from .+ refreshed$/;

/** One line of `snap refresh` output as progress. Never throws. */
export function parseProgressLine(line: string, done: number, total: number): InstallProgress | null {
  const text = line.trim();
  if (text === '') return null;
  const refreshed = REFRESHED.exec(text);
  if (refreshed) return installStep(text, refreshed[1] ?? '', done, total);
  if (text.startsWith('error: ')) return { stage: 'error', message: text };
  return { stage: 'output', message: text };
}
