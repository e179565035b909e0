import type { EngineContainer, EngineImage } from './engine-inventory.js';
import { type ImageReference, repositoryName, tryParseImageReference } from './image-reference.js';
import { isIndexType } from './media-types.js';
import { entryForPlatform } from './platform.js';
import type { RegistryClient } from './registry-client.js';
import { RegistryError, type RegistryFailure } from './registry-errors.js';

/** One reference on this host and the local image it names, with the containers using it. */
export interface CheckTarget {
  /** As the container or the image's tag names it: `nginx:1.27`. */
  reference: string;
  ref: ImageReference | null;
  image: EngineImage | undefined;
  containers: EngineContainer[];
}

/** The registry's answer for a tag the engine pulled from it. */
export interface DigestCheck {
  status: 'up-to-date' | 'update';
  /** The digest the registry has for the tag: an index's, for a multi-arch image. */
  remoteDigest: string;
  /** The index's entry for this host's platform, when the tag names an index. */
  platformDigest?: string;
  localDigests: string[];
}

export type ImageCheck =
  | DigestCheck
  | { status: 'not-checkable'; reason: string }
  | { status: 'failed'; failure: RegistryFailure; reason: string };

/**
 * Is there a newer image for this tag (issue 24 §3)? The registry's digest for the tag against
 * every `RepoDigests` entry of the local image for that repository (the current one is not
 * always the first). An index the local side does not know is resolved to this platform's
 * entry: a change on another architecture only is no update here.
 */
export async function checkImage(
  target: CheckTarget,
  platform: string,
  registry: RegistryClient,
  signal: AbortSignal,
): Promise<ImageCheck> {
  const { ref, image } = target;
  if (!ref) return { status: 'not-checkable', reason: `${target.reference} is not a registry reference` };
  if (ref.digest) return { status: 'not-checkable', reason: 'pinned by digest: it never changes' };
  // podman names images built on the host `localhost/<name>`: no registry serves them.
  if (ref.domain === 'localhost') return { status: 'not-checkable', reason: 'built locally (localhost/…)' };
  if (!image) return { status: 'not-checkable', reason: 'the image is not on this host' };
  const localDigests = localDigestsFor(image, ref);
  if (localDigests.length === 0)
    return { status: 'not-checkable', reason: 'built locally: no digest from a registry (RepoDigests)' };
  try {
    const head = await registry.headManifest(ref, ref.tag!, signal);
    if (localDigests.includes(head.digest))
      return { status: 'up-to-date', remoteDigest: head.digest, localDigests };
    if (!isIndexType(head.mediaType)) return { status: 'update', remoteDigest: head.digest, localDigests };
    const entry = entryForPlatform(await registry.getIndex(ref, head.digest, signal), platform);
    if (!entry)
      return {
        status: 'not-checkable',
        reason: `the registry's index for ${ref.tag} has no ${platform} image`,
      };
    return {
      status: localDigests.includes(entry.digest) ? 'up-to-date' : 'update',
      remoteDigest: head.digest,
      platformDigest: entry.digest,
      localDigests,
    };
  } catch (error) {
    if (!(error instanceof RegistryError)) throw error;
    // A tag the registry does not have: an image built here under a registry's name.
    if (error.failure === 'not-found')
      return { status: 'not-checkable', reason: `the registry has no ${ref.tag} (built locally?)` };
    return { status: 'failed', failure: error.failure, reason: error.message };
  }
}

/** The digests the engine knows for this image in this repository (`repo@sha256:…`). */
export function localDigestsFor(image: EngineImage, ref: ImageReference): string[] {
  const wanted = repositoryName(ref);
  const digests: string[] = [];
  for (const entry of image.repoDigests) {
    const parsed = tryParseImageReference(entry);
    if (parsed?.digest && repositoryName(parsed) === wanted && !digests.includes(parsed.digest))
      digests.push(parsed.digest);
  }
  return digests;
}
