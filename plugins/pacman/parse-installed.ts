import { isPackageName, isVersion } from './package-names.js';

/**
 * Parses `pacman -Q` (`name version` per line) into name → version. Never throws; a line that
 * is not a package (pacman's `error: package 'x' was not found` goes to stderr) is skipped.
 */
export function parseInstalled(lines: readonly string[]): Map<string, string> {
  const installed = new Map<string, string>();
  for (const raw of lines) {
    const fields = raw.trim().split(' ');
    const [name = '', version = ''] = fields;
    if (fields.length === 2 && isPackageName(name) && isVersion(version)) installed.set(name, version);
  }
  return installed;
}
