/** One side of an update: the appstream version (may be empty) and the commit. */
export interface Revision {
  version: string;
  commit: string;
}

/**
 * The from/to pair a person reads. Versions when both sides have one and they differ; commits
 * otherwise: many runtimes and extensions publish no version, and a rebuild keeps the version
 * while the commit changes, so `1.2 → 1.2` would say nothing.
 */
export function versionPair(from: Revision | undefined, to: Revision): { from: string; to: string } {
  if (from && from.version && to.version && from.version !== to.version)
    return { from: from.version, to: to.version };
  return { from: from?.commit ?? '', to: to.commit };
}
