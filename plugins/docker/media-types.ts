/** The manifest types a HEAD accepts: all four, or registries answer 404 or swap silently. */
export const MEDIA_TYPES = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
} as const;

/**
 * Every type in one Accept header. Without the OCI index type distribution answers 404 for an
 * OCI index; with only the v2 manifest type it answers a list's amd64 manifest instead
 * (test/fixtures/docker/README.md).
 */
export const MANIFEST_ACCEPT = Object.values(MEDIA_TYPES).join(', ');

export function isIndexType(mediaType: string): boolean {
  return mediaType === MEDIA_TYPES.ociIndex || mediaType === MEDIA_TYPES.dockerList;
}

export function isManifestType(mediaType: string): boolean {
  return (Object.values(MEDIA_TYPES) as string[]).includes(mediaType);
}

/** `sha256:…` as the OCI digest grammar has it. */
export const DIGEST_PATTERN = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;
