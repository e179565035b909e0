import { randomUUID } from 'node:crypto';
import type { ContainerInventoryItem, ScanMessage, ScanPackage } from '../../broker/protocol/index.js';

const hex = (seed: string) => {
  let out = '';
  for (let i = 0; out.length < 64; i++)
    out += ((seed.charCodeAt(i % seed.length) * 31 + i * 7) % 256).toString(16).padStart(2, '0');
  return out.slice(0, 64);
};

/** One container as the docker plugin reports it; `fields` override. */
export function containerItem(
  name: string,
  image: string,
  tag: string,
  fields: Partial<ContainerInventoryItem> = {},
): ContainerInventoryItem {
  return {
    id: hex(`c-${name}`),
    name,
    reference: `${image}:${tag}`,
    image,
    tag,
    imageId: hex(`i-${image}:${tag}`),
    localDigests: [`sha256:${hex(`l-${image}:${tag}`)}`],
    remoteDigest: `sha256:${hex(`l-${image}:${tag}`)}`,
    checkStatus: 'up_to_date',
    state: 'running',
    platform: 'linux/amd64',
    ...fields,
  };
}

/** A container whose image has a newer digest at the registry. */
export function outdatedContainer(name: string, image: string, tag: string): ContainerInventoryItem {
  return containerItem(name, image, tag, {
    checkStatus: 'update_available',
    remoteDigest: `sha256:${hex(`r-${image}:${tag}`)}`,
  });
}

/** The docker scan record of an outdated container's image (what the plugin sends beside it). */
export function dockerRecordOf(c: ContainerInventoryItem): ScanPackage {
  return {
    plugin: 'docker',
    name: c.reference,
    currentVersion: c.localDigests[0]!.slice(0, 19),
    availableVersion: c.remoteDigest!.slice(0, 19),
    severity: 'unknown',
    source: c.image.split('/')[0]!,
    security: false,
    metadata: {},
    image: c.image,
    tag: c.tag!,
    containerIds: [c.id],
    localDigests: c.localDigests,
    remoteDigest: c.remoteDigest!,
    platform: c.platform!,
  };
}

/** A complete docker scan with this inventory and a record for each outdated container's image. */
export function dockerScan(
  containers: ContainerInventoryItem[],
  opts: Partial<ScanMessage> = {},
): ScanMessage {
  const now = new Date().toISOString();
  const records = new Map(
    containers
      .filter((c) => c.checkStatus === 'update_available')
      .map((c) => [c.reference, dockerRecordOf(c)]),
  );
  return {
    v: 1,
    id: randomUUID(),
    ts: now,
    batchId: randomUUID(),
    plugin: 'docker',
    complete: true,
    startedAt: now,
    finishedAt: now,
    packages: [...records.values()],
    containers,
    ...opts,
  };
}
