/**
 * Image references as the Docker CLI reads them (distribution's reference grammar): a name of
 * path components, optionally led by a registry host, then `:tag` and/or `@digest`.
 * `nginx` is `docker.io/library/nginx:latest`; `localhost:5000/x` names a registry because its
 * first component has a port; `ghcr.io/o/i@sha256:…` is pinned by digest.
 */
export interface ImageReference {
  /** The registry host as the client dials it: `registry-1.docker.io` for Docker Hub. */
  registry: string;
  /** The registry as people write it: `docker.io`, `ghcr.io`, `localhost:5000`. */
  domain: string;
  /** The repository path inside the registry: `library/nginx`, `o/i`. */
  repository: string;
  /** Absent when the reference is pinned by digest only. */
  tag?: string;
  digest?: string;
}

export const DOCKER_HUB_DOMAIN = 'docker.io';
export const DOCKER_HUB_REGISTRY = 'registry-1.docker.io';

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;
const DOMAIN =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::\d+)?$/;

/** Parses a reference; throws a TypeError saying what is wrong with it. */
export function parseImageReference(input: string): ImageReference {
  if (input.length === 0 || input.length > 512) throw new TypeError(`not an image reference: "${input}"`);
  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw new TypeError(`bad digest in image reference "${input}"`);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw new TypeError(`bad tag in image reference "${input}"`);
  }
  const parts = rest.split('/');
  let domain = DOCKER_HUB_DOMAIN;
  // The first component is a registry when it cannot be a path component: a dot, a port, or localhost.
  if (parts.length > 1 && /[.:]|^localhost$|^\[/.test(parts[0]!)) {
    domain = parts.shift()!;
    if (!DOMAIN.test(domain)) throw new TypeError(`bad registry in image reference "${input}"`);
  }
  if (domain === 'index.docker.io' || domain === DOCKER_HUB_REGISTRY) domain = DOCKER_HUB_DOMAIN;
  if (parts.some((p) => !COMPONENT.test(p)))
    throw new TypeError(`bad repository name in image reference "${input}"`);
  if (domain === DOCKER_HUB_DOMAIN && parts.length === 1) parts.unshift('library');
  if (tag === undefined && digest === undefined) tag = 'latest';
  return {
    registry: domain === DOCKER_HUB_DOMAIN ? DOCKER_HUB_REGISTRY : domain,
    domain,
    repository: parts.join('/'),
    ...(tag !== undefined ? { tag } : {}),
    ...(digest !== undefined ? { digest } : {}),
  };
}

/** `docker.io/library/nginx`: the key RepoDigests are matched by. */
export function repositoryName(ref: Pick<ImageReference, 'domain' | 'repository'>): string {
  return `${ref.domain}/${ref.repository}`;
}

/** The reference written out in full: `docker.io/library/nginx:latest`. */
export function formatReference(ref: ImageReference): string {
  return `${repositoryName(ref)}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/** A reference that parses, or null (engines list `<none>:<none>` and other oddities). */
export function tryParseImageReference(input: string): ImageReference | null {
  try {
    return parseImageReference(input);
  } catch {
    return null;
  }
}
