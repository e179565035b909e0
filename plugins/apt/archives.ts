/**
 * Which archive a candidate version comes from decides `security` (fixtures README: APT has no
 * severity). apt names archives two ways:
 * - `apt list`: suites only, comma separated: `oldstable,oldstable-security`;
 * - `apt-get -s`: `Origin:Version/Suite` (or `Origin:Suite`), comma+space separated:
 *   `Debian:12.15/oldstable, Debian-Security:12/oldstable-security`.
 * Debian (`bookworm-security`) and Ubuntu (`jammy-security`) name their security suites alike.
 */
export function isSecuritySuite(suite: string): boolean {
  return suite.endsWith('-security');
}

/** Suites of a simulation's archive list: `Debian:12.15/oldstable, X:Y` → `['oldstable', 'Y']`. */
export function suitesOfArchives(archives: string): string[] {
  return archives
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const slash = entry.lastIndexOf('/');
      if (slash !== -1) return entry.slice(slash + 1);
      const colon = entry.indexOf(':');
      return colon === -1 ? entry : entry.slice(colon + 1);
    })
    .filter(Boolean);
}
