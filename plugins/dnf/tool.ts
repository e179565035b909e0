import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { DnfConfig } from './config.js';

/**
 * The three front ends to RPM repositories. They share most of their command line but not
 * everything: dnf5 has `advisory list --json` and `--skip-unavailable`, yum (EL7) has no
 * `repoquery` or `--refresh` of its own.
 */
export type DnfToolKind = 'dnf5' | 'dnf' | 'yum';

export interface DnfTool {
  kind: DnfToolKind;
  /** Absolute path found on PATH; commands run this exact file. */
  path: string;
}

// dnf5 first: on Fedora 41+ `dnf` is dnf5 under another name, and yum is a link to dnf on
// EL8+, so the newest front end present is the one the system itself uses.
const ORDER: readonly DnfToolKind[] = ['dnf5', 'dnf', 'yum'];

/** The front end to use (the configured one, or the first present), or null when none is installed. */
export async function findTool(
  preference: DnfConfig['tool'],
  searchPath = process.env.PATH ?? '',
): Promise<DnfTool | null> {
  const kinds = preference === 'auto' ? ORDER : [preference];
  for (const kind of kinds) {
    const path = await findExecutable(kind, searchPath);
    if (path) return { kind, path };
  }
  return null;
}

/** The first executable file of this name in the PATH's directories. */
export async function findExecutable(
  name: string,
  searchPath = process.env.PATH ?? '',
): Promise<string | null> {
  for (const dir of searchPath.split(delimiter)) {
    // An empty PATH entry means the working directory: never run a package manager from there.
    if (!dir.startsWith('/')) continue;
    const candidate = join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}
