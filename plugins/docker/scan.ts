import type { OperationContext, ScanPackage, ScanResult } from '../sdk/index.js';
import { checkImage, type CheckTarget, type DigestCheck, type ImageCheck } from './check-image.js';
import { containerInventory } from './container-inventory.js';
import { type EngineInventory, readInventory } from './engine-inventory.js';
import { repositoryName } from './image-reference.js';
import { mapWithLimitPerKey } from './limit-per-key.js';
import { RegistryError } from './registry-errors.js';
import type { DockerSession } from './session.js';
import { checkTargets } from './targets.js';
import { looksLikeVersion, newerTag } from './version-hint.js';

export interface CheckedImage {
  target: CheckTarget;
  check: ImageCheck;
  /** A higher version tag of the same shape, when the tag looks like a version. */
  newerTag?: string;
}

export interface DockerCheck {
  platform: string;
  images: CheckedImage[];
}

/** Every image on the host, checked against its registry (bounded concurrency per registry). */
export async function checkHost(session: DockerSession, op: OperationContext): Promise<DockerCheck> {
  const engine = await session.engine(op);
  session.useOperation(op);
  session.credentials.reset();
  return checkInventory(session, await readInventory(engine, op.signal), op);
}

/** The images of an inventory, checked against their registries. */
export async function checkInventory(
  session: DockerSession,
  inventory: EngineInventory,
  op: OperationContext,
): Promise<DockerCheck> {
  const targets = checkTargets(inventory);
  const tagLists = new Map<string, Promise<string[]>>();
  const images = await mapWithLimitPerKey(
    targets,
    (t) => t.ref?.registry ?? '',
    session.ctx.config.concurrencyPerRegistry,
    async (target): Promise<CheckedImage> => {
      const check = await checkImage(target, inventory.platform, session.registry, op.signal);
      const tag = target.ref?.tag;
      if (!session.ctx.config.versionHints || check.status === 'not-checkable' || check.status === 'failed')
        return { target, check };
      if (!tag || !looksLikeVersion(tag)) return { target, check };
      const ref = target.ref!;
      const key = repositoryName(ref);
      let tags = tagLists.get(key);
      if (!tags) tagLists.set(key, (tags = session.registry.listTags(ref, op.signal)));
      try {
        const newer = newerTag(tag, await tags);
        return newer ? { target, check, newerTag: newer } : { target, check };
      } catch (error) {
        if (error instanceof RegistryError) return { target, check };
        throw error;
      }
    },
  );
  return { platform: inventory.platform, images };
}

/**
 * The scan record of each image with an update (the Docker fields of the wire's scan record),
 * and a warning for each image that could not be checked; such a scan is not complete, so the
 * core keeps what it knew about those images (DESIGN.md §3.5). Beside them, every container
 * with its image's check (issue 24 §5): that inventory is whole even when a check failed (the
 * container says `check_failed`), so the core replaces the host's with it either way.
 */
export async function scanDocker(session: DockerSession, op: OperationContext): Promise<ScanResult> {
  session.warnings.length = 0;
  const { platform, images } = await checkHost(session, op);
  const records = new Map<string, ScanPackage>();
  const warnings: string[] = [];
  for (const { target, check, newerTag: newer } of images) {
    if (check.status === 'failed') warnings.push(`${target.reference}: ${check.reason}`);
    if (check.status !== 'update') continue;
    const record = records.get(target.reference) ?? toRecord(target, check, platform, newer);
    record.containerIds = unique([...(record.containerIds ?? []), ...target.containers.map((c) => c.id)]);
    record.localDigests = unique([...(record.localDigests ?? []), ...check.localDigests]);
    records.set(target.reference, record);
  }
  warnings.push(...session.warnings);
  for (const warning of warnings) session.ctx.logger.warn(warning);
  return {
    packages: [...records.values()],
    complete: !images.some((i) => i.check.status === 'failed'),
    warnings,
    containers: containerInventory(images, platform),
  };
}

function toRecord(
  target: CheckTarget,
  check: DigestCheck,
  platform: string,
  newer: string | undefined,
): ScanPackage {
  const ref = target.ref!;
  const version = target.image?.labels['org.opencontainers.image.version'];
  return {
    plugin: 'docker',
    name: target.reference,
    currentVersion: version || shortDigest(check.localDigests[0]!),
    availableVersion: shortDigest(check.platformDigest ?? check.remoteDigest),
    severity: 'unknown',
    source: ref.domain,
    security: false,
    metadata: {
      registry: ref.domain,
      repository: ref.repository,
      imageId: target.image?.id ?? null,
      containers: target.containers.map((c) => ({
        id: c.id,
        name: c.name,
        state: c.state,
        health: c.health ?? null,
        composeProject: c.compose?.project ?? null,
        composeService: c.compose?.service ?? null,
      })),
      platformDigest: check.platformDigest ?? null,
      newerTag: newer ?? null,
    },
    image: repositoryName(ref),
    tag: ref.tag!,
    containerIds: [],
    localDigests: [],
    remoteDigest: check.remoteDigest,
    platform,
  };
}

/** `sha256:` and 12 hex characters, as `docker images --digests` shortens them. */
function shortDigest(digest: string): string {
  return digest.replace(/^(sha256:[0-9a-f]{12})[0-9a-f]+$/, '$1');
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
