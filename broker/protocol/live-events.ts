/**
 * The core's typed internal bus (issue 22 §3): every event a part of the core tells the others,
 * one map from kind to payload. The live WebSocket stream (`/api/v1/live`, docs/api.md) sends
 * these same events to the panel, and integration plugins listen to them through `ctx.bus`; so
 * the map lives in the contract: the core's bus, plugins/sdk and the panel's handlers all take
 * it from here (issue 22 §1: typed from the bus to the panel, without casts).
 */

import type { CommandSource, CommandStatus, EventSeverity, PackageStatus } from './vocabulary-types.js';

/** A package moved to `status` (one event per host, package manager and move, not per package). */
export interface PackageStatusData {
  plugin: string;
  status: PackageStatus;
  count: number;
  /** The first PACKAGE_SAMPLE packages that moved; `count` says how many did. */
  packages: Array<{ name: string; arch: string }>;
  commandId?: string;
}

export interface OutputLine {
  seq: number;
  stream: string;
  line: string;
  /** The agent's clock. */
  ts: string;
}

/** What each kind of event carries in `data` (docs/api.md "Live stream" shows each). */
export interface CoreEventData {
  'agent.online': Record<string, never>;
  'agent.offline': Record<string, never>;
  /** A new metrics sample was stored (the agent's clock); GET /api/v1/agents/{id} has it. */
  'agent.metrics': { reportedAt: string };
  /** A scan was stored (its batch, events and package states committed). */
  'scan.ingested': {
    plugin: string;
    batchId: string;
    complete: boolean;
    packageCount: number;
    discovered: number;
    changed: number;
    resolved: number;
    error: string | null;
  };
  /**
   * A docker scan changed the host's container inventory (a container came, went, or its image,
   * state or check changed): read it again through GET /api/v1/containers or `ctx.containers`.
   */
  'containers.changed': {
    /** Containers the host has now. */
    count: number;
    /** Of those, how many run an image with an update. */
    updates: number;
  };
  'command.status': {
    commandId: string;
    type: string;
    status: CommandStatus;
    error: string | null;
  };
  /**
   * A command reached a final status (succeeded, failed, timed_out, cancelled, rejected), its
   * output and result stored: read it whole through the commands API or `ctx.fleet.command()`.
   */
  'command.finished': {
    commandId: string;
    type: string;
    status: CommandStatus;
    source: CommandSource;
    error: string | null;
  };
  'command.output': {
    commandId: string;
    lines: OutputLine[];
    /** The last percentage the agent reported in these lines. */
    percent?: number;
    /** Set on the batch after which the core stores and streams no more lines of this command. */
    truncated?: boolean;
  };
  'package.status': PackageStatusData;
  /** Many packages changed at once (a new hold or ignore rule): reload what is shown. */
  'packages.changed': { reason: string; count: number; policyId?: string };
  /**
   * An integration plugin's progress on something of its own (the Proxmox plugin's group
   * actions: `subject` `action`, `id` the group's id), emitted through `ctx.bus.emitProgress`.
   */
  'plugin.progress': {
    plugin: string;
    subject: string;
    id: string;
    progress: Record<string, unknown>;
  };
  'system.event': {
    id: string;
    type: string;
    subtype: string | null;
    severity: EventSeverity;
    component: string;
    message: string;
    metadata: Record<string, unknown>;
    createdAt: string;
  };
}

export type CoreEventKind = keyof CoreEventData;

export const CORE_EVENT_KINDS = [
  'agent.online',
  'agent.offline',
  'agent.metrics',
  'scan.ingested',
  'containers.changed',
  'command.status',
  'command.finished',
  'command.output',
  'package.status',
  'packages.changed',
  'plugin.progress',
  'system.event',
] as const satisfies readonly CoreEventKind[];

/** One event as the bus delivers it. */
export type CoreEvent<K extends CoreEventKind = CoreEventKind> = {
  [P in K]: {
    /** Increases by one per event of this bus (this core instance since it started). */
    id: number;
    ts: string;
    kind: P;
    /** The host the event is about; null for fleet-wide ones. */
    agentId: string | null;
    data: CoreEventData[P];
  };
}[K];
