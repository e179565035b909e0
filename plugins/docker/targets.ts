import type { CheckTarget } from './check-image.js';
import type { EngineInventory } from './engine-inventory.js';
import { formatReference, tryParseImageReference } from './image-reference.js';

/**
 * What to check on this host: every tag of every image, and every container's reference (a
 * container may run an image whose tag has since moved to another). One target per reference
 * and local image, with the containers that use that image under that reference.
 */
export function checkTargets(inventory: EngineInventory): CheckTarget[] {
  const images = new Map(inventory.images.map((i) => [i.id, i]));
  const targets = new Map<string, CheckTarget>();
  const target = (reference: string, imageId: string) => {
    const ref = tryParseImageReference(reference);
    const key = `${ref ? formatReference(ref) : reference} ${imageId}`;
    let found = targets.get(key);
    if (!found) {
      found = {
        reference: ref ? formatReference(ref) : reference,
        ref,
        image: images.get(imageId),
        containers: [],
      };
      targets.set(key, found);
    }
    return found;
  };
  for (const image of inventory.images) for (const tag of image.repoTags) target(tag, image.id);
  for (const container of inventory.containers) {
    // An image id instead of a name: the container's image lost its tag (docker ps shows the id).
    const byId = /^(sha256:)?[0-9a-f]{12,64}$/.test(container.image);
    const reference = byId
      ? (images.get(container.imageId)?.repoTags[0] ?? container.image)
      : container.image;
    target(reference, container.imageId).containers.push(container);
  }
  return [...targets.values()];
}
