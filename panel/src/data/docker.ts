import type { PackageUpdate } from './api-types.js';

/** A Docker image record as the host page shows it (docs/protocol.md "scan": Docker records). */
export interface DockerImage {
  /** `jellyfin/jellyfin:latest` */
  reference: string;
  /** Container ids, shortened as `docker ps` shows them (12 characters). */
  containers: string[];
  currentVersion: string | null;
  availableVersion: string | null;
  /** Digests shortened to `sha256:` and 12 hex characters; the full ones are in `title`s. */
  localDigests: string[];
  remoteDigest: string | null;
  platform: string | null;
  /** The image on the host is not the registry's. */
  changed: boolean;
}

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
const string = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

export const shortId = (id: string) => id.slice(0, 12);
export const shortDigest = (d: string) => d.replace(/^(sha256:[0-9a-f]{12})[0-9a-f]+$/, '$1');

/**
 * The docker plugin's record: the core keeps `image`, `tag`, `containerIds`, `localDigests`,
 * `remoteDigest` and `platform` in `metadata` (core/updates/ingest.ts). Older records named
 * the containers `containers`.
 */
export function dockerImageOf(u: PackageUpdate): DockerImage {
  const m = u.metadata ?? {};
  const image = string(m.image) ?? u.name;
  const tag = string(m.tag);
  const local = strings(m.localDigests);
  const remote = string(m.remoteDigest);
  return {
    reference: tag ? `${image}:${tag}` : image,
    containers: [...strings(m.containerIds).map(shortId), ...strings(m.containers)],
    currentVersion: u.currentVersion,
    availableVersion: u.availableVersion,
    localDigests: local,
    remoteDigest: remote,
    platform: string(m.platform),
    changed: remote !== null && !local.includes(remote),
  };
}
