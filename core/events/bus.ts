import { randomUUID } from 'node:crypto';

/** A package moved to `status` (one event per host, package manager and move, not per package). */
export interface PackageStatusData {
  plugin: string;
  status: string;
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

/** What each kind of bus event carries in `data` (docs/api.md "Live stream" shows each). */
export interface LiveEventData {
  'agent.online': Record<string, never>;
  'agent.offline': Record<string, never>;
  /** A new metrics sample was stored (the agent's clock); GET /api/v1/agents/{id} has it. */
  'agent.metrics': { reportedAt: string };
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
  'command.status': {
    commandId: string;
    type: string;
    status: string;
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
  'system.event': {
    id: string;
    type: string;
    subtype: string | null;
    severity: string;
    component: string;
    message: string;
    metadata: Record<string, unknown>;
    createdAt: string;
  };
}

export type LiveEventKind = keyof LiveEventData;

export const LIVE_EVENT_KINDS = [
  'agent.online',
  'agent.offline',
  'agent.metrics',
  'scan.ingested',
  'command.status',
  'command.output',
  'package.status',
  'packages.changed',
  'system.event',
] as const satisfies readonly LiveEventKind[];

export const PACKAGE_SAMPLE = 50;

export type LiveEvent = {
  [K in LiveEventKind]: {
    /** Increases by one per event of this bus (this core instance since it started). */
    id: number;
    ts: string;
    kind: K;
    /** The host the event is about; null for fleet-wide ones. */
    agentId: string | null;
    data: LiveEventData[K];
  };
}[LiveEventKind];

export type LiveListener = (event: LiveEvent) => void;

/** What `since` can give back: the missed events, or why they cannot be had. */
export type Replay =
  | { ok: true; events: LiveEvent[] }
  | { ok: false; reason: 'too_old' | 'other_stream' | 'ahead'; oldestId: number; lastId: number };

export interface LiveBus {
  /** Random per bus: ids from another stream (a restarted or another core) mean nothing here. */
  readonly stream: string;
  readonly lastId: number;
  emit<K extends LiveEventKind>(kind: K, agentId: string | null, data: LiveEventData[K]): LiveEvent;
  /** Listeners run synchronously inside `emit`; one that throws is logged by the caller's `onError`. */
  subscribe(listener: LiveListener): () => void;
  /** Events after `id` still in the ring buffer, oldest first. */
  since(id: number, stream?: string): Replay;
}

/**
 * The core's live event bus (DESIGN.md §3.8): typed events with increasing ids and a bounded
 * ring buffer, so a client that reconnects can ask for what it missed. Owned by the
 * composition root and injected; emitting is a push into an array and a loop over listeners.
 */
export function createLiveBus(opts: { bufferSize: number; onError?(err: unknown): void }): LiveBus {
  const size = opts.bufferSize;
  const ring: Array<LiveEvent | undefined> = new Array(size);
  const listeners = new Set<LiveListener>();
  const stream = randomUUID();
  let lastId = 0;

  return {
    stream,
    get lastId() {
      return lastId;
    },
    emit(kind, agentId, data) {
      const event = { id: ++lastId, ts: new Date().toISOString(), kind, agentId, data } as LiveEvent;
      ring[event.id % size] = event;
      for (const listener of listeners) {
        try {
          listener(event);
        } catch (err) {
          opts.onError?.(err);
        }
      }
      return event;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    since(id, otherStream) {
      const oldestId = Math.max(1, lastId - size + 1);
      if (otherStream !== undefined && otherStream !== stream)
        return { ok: false, reason: 'other_stream', oldestId, lastId };
      if (id > lastId) return { ok: false, reason: 'ahead', oldestId, lastId };
      // The client has seen `id`; it can continue only if `id + 1` is still here.
      if (id + 1 < oldestId) return { ok: false, reason: 'too_old', oldestId, lastId };
      const events: LiveEvent[] = [];
      for (let i = id + 1; i <= lastId; i++) events.push(ring[i % size]!);
      return { ok: true, events };
    },
  };
}
