import { isPackageName, isRepository, isVersion } from './package-names.js';

export interface ParsedSyncList {
  /** Package name → the first repository (in pacman.conf order) that carries it, as pacman picks. */
  repositories: Map<string, string>;
  /** Lines that could not be read; only a repository name is lost, so these are counted, not fatal. */
  unreadable: number;
}

// `repo name version` with ` [installed]` or ` [installed: older]` when installed.
const LINE = /^(\S+) (\S+) (\S+)(?: \[installed(?:: [^\]]*)?\])?$/;

/** Parses `pacman -Sl`: which repository each package comes from. Never throws. */
export function parseSyncList(lines: readonly string[]): ParsedSyncList {
  const repositories = new Map<string, string>();
  let unreadable = 0;
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '') continue;
    const match = LINE.exec(line);
    const [, repository = '', name = '', version = ''] = match ?? [];
    if (!match || !isRepository(repository) || !isPackageName(name) || !isVersion(version)) {
      unreadable++;
      continue;
    }
    if (!repositories.has(name)) repositories.set(name, repository);
  }
  return { repositories, unreadable };
}
