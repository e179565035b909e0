/** The container inventory (docs/api.md "Containers", issue 24 §5): every container of every host. */
import type { ContainerCheckStatus, PackageStatus } from '../vocabulary-types.js';
import type { OneOrMany } from './generic.js';

/** The docker update for a container's image on its host: its package state, when there is one. */
export interface ContainerUpdate {
  /** The package state's id (GET /api/v1/updates/{id}; bulk actions take it in `ids`). */
  id: string;
  /** Its key: plugin `docker`, the image reference as `name`, arch ''. */
  plugin: string;
  name: string;
  arch: string;
  status: PackageStatus;
  currentVersion: string | null;
  availableVersion: string | null;
}

/** One container of one host, as the docker plugin's last scan reported it. */
export interface HostContainer {
  agentId: string;
  hostname: string;
  /** The engine's container id. */
  id: string;
  name: string;
  /** `docker.io/library/nginx:1.27` */
  reference: string;
  /** `docker.io/library/nginx` */
  image: string;
  tag: string | null;
  imageId: string | null;
  localDigests: string[];
  remoteDigest: string | null;
  checkStatus: ContainerCheckStatus;
  checkReason: string | null;
  state: string;
  health: string | null;
  composeProject: string | null;
  composeService: string | null;
  platform: string | null;
  firstSeenAt: string;
  /** When a scan last changed anything of this row. */
  changedAt: string;
  update: ContainerUpdate | null;
}

/** GET /api/v1/containers filters: filters AND, the values of one filter OR (as the updates list). */
export interface ContainerFilter {
  agent?: OneOrMany<string>;
  status?: OneOrMany<ContainerCheckStatus>;
  /** Text in the container's name, image reference or compose project. */
  q?: string;
}
