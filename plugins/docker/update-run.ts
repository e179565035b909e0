import type { OperationContext } from '../sdk/index.js';
import type { ContainerOps } from './container-ops.js';

/** What happened to one container in an update (the install result's `details.containers`). */
export interface ContainerOutcome {
  name: string;
  /** The container before the update. */
  id: string;
  /** The container after it, when it is a new one. */
  newId?: string;
  image: string;
  via: 'engine' | 'compose' | 'restart';
  /**
   * updated: recreated on the new image and running (healthy); recreated: created again on its
   * own image (it shares a recreated one's network); restarted: restarted after its dependency;
   * rolled_back: the new one failed, the previous container runs again on the previous image;
   * failed: that restore failed too, or the restart did.
   */
  outcome: 'updated' | 'recreated' | 'restarted' | 'rolled_back' | 'failed';
  reason?: string;
  /** Why a compose-labelled container was recreated by the engine. */
  note?: string;
}

/** The state one install's container steps share. */
export interface UpdateRun {
  ops: ContainerOps;
  op: OperationContext;
  /** How long a container may take to run (and be healthy), and how long it must then keep running. */
  ready: { timeoutMs: number; graceMs: number };
  log(line: string): void;
  /** Old container id → the name its replacement has: `container:<id>` network modes follow it. */
  readonly renamed: Map<string, string>;
  /** Previous containers kept until the end (a dependent may still use one's namespace). */
  readonly backups: { id: string; name: string }[];
}

/** The name a previous container is kept under while its replacement starts. */
export function backupName(name: string): string {
  return `${name}-redflag-previous`;
}
