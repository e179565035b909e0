import type { ContainerCheckStatus, ContainerInventoryItem } from '../../broker/protocol/index.js';
import type { ImageCheck } from './check-image.js';
import { localDigestsFor } from './check-image.js';
import { repositoryName } from './image-reference.js';
import type { CheckedImage } from './scan.js';

const STATUS: Record<ImageCheck['status'], ContainerCheckStatus> = {
  'up-to-date': 'up_to_date',
  update: 'update_available',
  'not-checkable': 'not_checkable',
  failed: 'check_failed',
};

const HEX_ID = /^[0-9a-f]{12,64}$/;

/** Engine text is untrusted: cut to what the protocol takes rather than lose the whole inventory. */
const cut = (text: string | undefined, max: number) => (text ? text.slice(0, max) : undefined);

/**
 * Every container on the host with the check of the image it runs (issue 24 §5): the scan's
 * `containers`. Each container is under exactly one checked reference (targets.ts), so this is
 * the engine's whole list. The remote digest is the one the check compared: the tag's, or for
 * a multi-arch index the local platform's entry when the host only knows that one.
 */
export function containerInventory(images: CheckedImage[], platform: string): ContainerInventoryItem[] {
  const items: ContainerInventoryItem[] = [];
  for (const { target, check } of images) {
    const ref = target.ref;
    const local =
      'localDigests' in check
        ? check.localDigests
        : ref && target.image
          ? localDigestsFor(target.image, ref)
          : [];
    const remote =
      'remoteDigest' in check
        ? local.includes(check.remoteDigest)
          ? check.remoteDigest
          : (check.platformDigest ?? check.remoteDigest)
        : undefined;
    const reason = 'reason' in check ? check.reason : undefined;
    for (const c of target.containers) {
      if (!HEX_ID.test(c.id)) continue;
      items.push({
        id: c.id,
        name: cut(c.name, 256) || c.id.slice(0, 12),
        reference: cut(target.reference, 512)!,
        image: cut(ref ? repositoryName(ref) : target.reference, 512)!,
        ...(ref?.tag ? { tag: cut(ref.tag, 128) } : {}),
        ...(HEX_ID.test(c.imageId) ? { imageId: c.imageId } : {}),
        localDigests: local.slice(0, 64),
        ...(remote ? { remoteDigest: remote } : {}),
        checkStatus: STATUS[check.status],
        ...(reason ? { checkReason: cut(reason, 1024) } : {}),
        state: cut(c.state, 32) || 'unknown',
        ...(c.health ? { health: cut(c.health, 32) } : {}),
        ...(c.compose
          ? { composeProject: cut(c.compose.project, 256), composeService: cut(c.compose.service, 256) }
          : {}),
        platform,
      });
    }
  }
  return items;
}
