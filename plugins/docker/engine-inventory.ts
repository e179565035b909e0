import type { EngineClient } from './engine-client.js';

/** Compose's labels on the containers it creates (docker/compose api/labels.go). */
export const COMPOSE_LABELS = {
  project: 'com.docker.compose.project',
  service: 'com.docker.compose.service',
  workingDir: 'com.docker.compose.project.working_dir',
  configFiles: 'com.docker.compose.project.config_files',
} as const;

export interface ComposeInfo {
  project: string;
  service: string;
  workingDir?: string;
  configFiles: string[];
}

export interface EngineContainer {
  id: string;
  name: string;
  /** The reference the container was created from: `nginx:1.27`, or an id when untagged. */
  image: string;
  imageId: string;
  labels: Record<string, string>;
  /** `running`, `exited`, `created`, … */
  state: string;
  /** `healthy`, `unhealthy`, `starting`; absent without a health check. */
  health?: string;
  compose?: ComposeInfo;
}

export interface EngineImage {
  id: string;
  repoTags: string[];
  /** Every `repo@digest` the engine knows for the image; the current one is not always first. */
  repoDigests: string[];
  labels: Record<string, string>;
}

export interface EngineInventory {
  containers: EngineContainer[];
  images: EngineImage[];
  /** `linux/amd64`: the platform the engine pulls for. */
  platform: string;
}

interface RawContainer {
  Id: string;
  Names?: string[] | null;
  Image?: string;
  ImageID?: string;
  Labels?: Record<string, string> | null;
  State?: string | { Status?: string };
  Status?: string;
}

interface RawImage {
  Id: string;
  RepoTags?: string[] | null;
  RepoDigests?: string[] | null;
  Labels?: Record<string, string> | null;
}

/** Containers (all, stopped too: they run again on the old image), images and the platform. */
export async function readInventory(engine: EngineClient, signal: AbortSignal): Promise<EngineInventory> {
  const [containers, images] = await Promise.all([
    engine.get<RawContainer[]>('/containers/json?all=true', signal),
    engine.get<RawImage[]>('/images/json', signal),
  ]);
  return {
    containers: (containers ?? []).map(toContainer),
    images: (images ?? []).map((i) => ({
      id: stripSha(i.Id),
      repoTags: (i.RepoTags ?? []).filter((t) => t !== '<none>:<none>'),
      repoDigests: (i.RepoDigests ?? []).filter((d) => !d.startsWith('<none>')),
      labels: i.Labels ?? {},
    })),
    platform: `${engine.engine.os}/${engine.engine.arch}`,
  };
}

function toContainer(raw: RawContainer): EngineContainer {
  const labels = raw.Labels ?? {};
  const state = typeof raw.State === 'string' ? raw.State : (raw.State?.Status ?? 'unknown');
  const health = /\((healthy|unhealthy|health: starting)\)/.exec(raw.Status ?? '')?.[1];
  const compose = composeInfo(labels);
  return {
    id: raw.Id,
    name: (raw.Names?.[0] ?? raw.Id.slice(0, 12)).replace(/^\//, ''),
    image: raw.Image ?? '',
    imageId: stripSha(raw.ImageID ?? ''),
    labels,
    state,
    ...(health ? { health: health === 'health: starting' ? 'starting' : health } : {}),
    ...(compose ? { compose } : {}),
  };
}

export function composeInfo(labels: Record<string, string>): ComposeInfo | undefined {
  const project = labels[COMPOSE_LABELS.project];
  const service = labels[COMPOSE_LABELS.service];
  if (!project || !service) return undefined;
  const workingDir = labels[COMPOSE_LABELS.workingDir];
  return {
    project,
    service,
    ...(workingDir ? { workingDir } : {}),
    configFiles: (labels[COMPOSE_LABELS.configFiles] ?? '').split(',').filter(Boolean),
  };
}

export function stripSha(id: string): string {
  return id.replace(/^sha256:/, '');
}
