import { createHash } from 'node:crypto';
import type { FleetContainer, FleetPackage } from '../sdk/index.js';

/** HA's release_summary limit (update entity, REFERENCES: ≤ 255 characters). */
export const SUMMARY_MAX = 255;

const SEVERITY_RANK: Record<string, number> = { critical: 0, high: 1, medium: 2, low: 3, unknown: 4 };

/** Security first, then by severity, then by name: the packages a summary names first. */
export function byImportance(a: FleetPackage, b: FleetPackage): number {
  return (
    Number(b.security) - Number(a.security) ||
    (SEVERITY_RANK[a.severity] ?? 5) - (SEVERITY_RANK[b.severity] ?? 5) ||
    a.name.localeCompare(b.name)
  );
}

export const UP_TO_DATE = 'up to date';

/**
 * The OS entity's versions in HA's terms (issue 26 §1): equal strings when nothing is pending,
 * else a latest_version that names the pending set by a fingerprint, so it changes whenever the
 * set changes and HA's "Skip" (which stores the exact string) never hides a new update.
 */
export function osVersions(pending: FleetPackage[]): { installed: string; latest: string } {
  if (pending.length === 0) return { installed: UP_TO_DATE, latest: UP_TO_DATE };
  const fingerprint = createHash('sha256')
    .update(
      pending
        .map((p) => `${p.plugin}\u0000${p.name}\u0000${p.arch}\u0000${p.availableVersion ?? ''}`)
        .sort()
        .join('\n'),
    )
    .digest('hex')
    .slice(0, 8);
  return {
    installed: 'installed',
    latest: `${pending.length} update${pending.length === 1 ? '' : 's'} (${fingerprint})`,
  };
}

/** "3 updates, 1 security: openssl 3.0.15, curl 7.88 and 1 more", cut to fit 255 characters. */
export function summaryOf(pending: FleetPackage[], prefix = ''): string {
  if (pending.length === 0) return `${prefix}Nothing to install.`;
  const sorted = [...pending].sort(byImportance);
  const security = sorted.filter((p) => p.security).length;
  const head =
    `${prefix}${pending.length} update${pending.length === 1 ? '' : 's'}` +
    (security ? `, ${security} security` : '') +
    ': ';
  const names = sorted.map((p) => (p.availableVersion ? `${p.name} ${p.availableVersion}` : p.name));
  for (let shown = names.length; shown >= 0; shown--) {
    const rest = names.length - shown;
    const text =
      head + names.slice(0, shown).join(', ') + (rest ? `${shown ? ' and ' : ''}${rest} more` : '');
    if (text.length <= SUMMARY_MAX) return text;
  }
  return cut(head + `${names.length} packages`);
}

export function cut(text: string, max = SUMMARY_MAX): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * A container's versions: its tag and short local digest, and the registry's digest when its
 * image has an open update (REFERENCES: "for a container whose tag did not move, put the digest
 * in the version string"; a docker update pulls the same tag again).
 */
export function containerVersions(
  container: Pick<FleetContainer, 'tag' | 'localDigests' | 'remoteDigest' | 'update'>,
  open: boolean,
): { installed: string; latest: string } {
  const local = shortDigest(container.localDigests[0] ?? null);
  const remote = shortDigest(container.remoteDigest);
  const tag = container.tag ?? 'untagged';
  const installed = local ? `${tag} (${local})` : tag;
  if (!open) return { installed, latest: installed };
  if (remote && remote !== local) return { installed, latest: `${tag} (${remote})` };
  // No digest from the registry to tell them apart: the record's own version, else a word.
  const available = container.update?.availableVersion;
  const latest = available && `${tag} (${available})` !== installed ? `${tag} (${available})` : null;
  return { installed, latest: latest ?? `${tag} (new image)` };
}

function shortDigest(digest: string | null): string | null {
  if (!digest) return null;
  const hex = digest.replace(/^.*sha256:/, '');
  return hex ? `sha256:${hex.slice(0, 12)}` : null;
}
