/**
 * The Proxmox plugin's API under /api/v1/plugins/proxmox/ (issue 23 §4–6, docs/plugins.md
 * "Proxmox"): written here once so the plugin's routes and the panel share them. The plugin's
 * route schemas (plugins/proxmox/tree.ts, actions.ts, routes.ts) describe the same shapes.
 */
import type { ContainerCheckStatus, PackageStatus } from '../vocabulary-types.js';
import type { PendingCounts } from './stats.js';

/**
 * GET /tree: one container of a guest's (or a node's own) host, from the container inventory
 * (issue 23 §4, docs/api.md "Containers"). Its `pending` is its image's docker update alone:
 * already counted in the guest's `pending` (a package state of the host), never added again.
 */
export interface ProxmoxTreeContainer {
  name: string;
  /** `docker.io/library/nginx:1.27` */
  reference: string;
  state: string;
  health: string | null;
  checkStatus: ContainerCheckStatus;
  /** The docker update of its image on this host: its package state's id and status; null: none. */
  updateId: string | null;
  updateStatus: PackageStatus | null;
  /** The update is still to install (OUTSTANDING_PACKAGE_STATUSES). */
  updateOutstanding: boolean;
  /** 1 under the update's severity (docker records carry `unknown`) while outstanding, else 0. */
  pending: PendingCounts;
}

/** GET /tree: one guest (LXC or VM) with its own pending updates. */
export interface ProxmoxTreeGuest {
  vmid: number;
  type: 'lxc' | 'qemu';
  name: string;
  status: string;
  template: boolean;
  tags: string[];
  macs: string[];
  ips: string[];
  /** The agent matched to it; null: no agent runs there (the panel offers "Enroll" for LXCs). */
  agentId: string | null;
  /** How it was matched: `mac`, `hostname`, `ip` or `manual`. */
  matchBasis: string | null;
  /** A person's `linked` or `unlinked`, kept across rediscovery; null: matching decides. */
  link: string | null;
  gone: boolean;
  /** Its own and its containers' (they are package states of its agent), counted once. */
  pending: PendingCounts;
  /** The containers of its agent's host; empty without an agent or when gone. */
  containers: ProxmoxTreeContainer[];
}

/** One Proxmox node: its own host's pending updates plus its guests'. */
export interface ProxmoxTreeNode {
  name: string;
  status: string;
  agentId: string | null;
  matchBasis: string | null;
  pending: PendingCounts;
  /** The containers of the node's own host (its agent's). */
  containers: ProxmoxTreeContainer[];
  guests: ProxmoxTreeGuest[];
}

/** One configured endpoint: a cluster, or a single node (`name` null). */
export interface ProxmoxTreeCluster {
  endpoint: string;
  name: string | null;
  lastSyncAt: string | null;
  lastError: string | null;
  pending: PendingCounts;
  nodes: ProxmoxTreeNode[];
}

export interface ProxmoxTree {
  clusters: ProxmoxTreeCluster[];
}

export type ProxmoxActionScope = 'node' | 'cluster' | 'tag';
export type ProxmoxGuestKind = 'lxc' | 'qemu' | 'node';
/** `install`: each host's pending updates approved through the install workflow. */
export type ProxmoxActionType = 'scan' | 'dry_run' | 'reboot' | 'install';

/** POST /actions. */
export interface ProxmoxActionRequest {
  scope: ProxmoxActionScope;
  /** The endpoint (cluster); required for node and cluster, narrows a tag. */
  endpoint?: string;
  /** The node's name, or the tag; unused for a cluster. */
  target?: string;
  type: ProxmoxActionType;
  /** Which hosts: guests of either type by default; `node` adds the Proxmox hosts themselves. */
  kinds?: ProxmoxGuestKind[];
  /** `install` only: approve security updates alone. */
  securityOnly?: boolean;
}

/**
 * One host of a group. A command action: the command's status. An install: where its approved
 * updates stand in the workflow (`approved` waits for a maintenance window,
 * `pending_dependencies` for a person to confirm the dry run), then `updated` or `failed`;
 * `nothing_to_install` when it had no pending update to approve.
 */
export interface ProxmoxActionMember {
  agentId: string;
  commandId: string | null;
  status: string;
  error: string | null;
  /** `install` only: how many updates were approved for this host. */
  packages?: number;
}

/** What `plugin.progress` (subject `action`) carries beside scope, target and type. */
export interface ProxmoxActionProgress {
  total: number;
  finished: number;
  byStatus: Record<string, number>;
  done: boolean;
}

/** POST /actions and GET /actions/{id}. */
export interface ProxmoxActionReport {
  id: string;
  scope: ProxmoxActionScope;
  target: string;
  type: string;
  createdBy: string;
  createdAt: string;
  progress: ProxmoxActionProgress;
  members: ProxmoxActionMember[];
}

/** POST /enroll's body: one container (`endpoint` + `vmid`), a node, an endpoint, or everything. */
export interface ProxmoxEnrollmentScope {
  endpoint?: string;
  node?: string;
  vmid?: number;
}

export type ProxmoxEnrollmentOutcome = 'enrolled' | 'skipped' | 'failed';

export interface ProxmoxEnrollmentResult {
  endpoint: string;
  node: string;
  vmid: number;
  name: string;
  outcome: ProxmoxEnrollmentOutcome;
  /** Why it was skipped or failed, or what was done; never holds the token. */
  reason: string;
  code: string | null;
}

/** POST /enroll and GET /enroll/{runId}. */
export interface ProxmoxEnrollmentRun {
  runId: string;
  done: boolean;
  results: ProxmoxEnrollmentResult[];
}
