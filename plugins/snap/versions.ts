/**
 * The from/to pair a person reads: versions when they differ; otherwise the same version with
 * each revision (`20240111 (1122)`), since a snap can be rebuilt under the same version.
 */
export function versionPair(
  from: { version: string; revision: string } | undefined,
  to: { version: string; revision: string },
): { from: string; to: string } {
  if (!from) return { from: '', to: to.version };
  if (from.version !== to.version) return { from: from.version, to: to.version };
  return { from: `${from.version} (${from.revision})`, to: `${to.version} (${to.revision})` };
}
