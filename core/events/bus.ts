import { randomUUID } from 'node:crypto';

import {
  CORE_EVENT_KINDS,
  type CoreEvent,
  type CoreEventData,
  type CoreEventKind,
} from '../../plugins/sdk/index.js';

export type { OutputLine, PackageStatusData } from '../../plugins/sdk/index.js';

/**
 * What each kind of bus event carries in `data`: the one event map of the core's internal bus
 * (issue 22 §3), defined in plugins/sdk so integration plugins listen to the same events the
 * live stream sends (docs/api.md "Live stream" shows each).
 */
export type LiveEventData = CoreEventData;

export type LiveEventKind = CoreEventKind;

export const LIVE_EVENT_KINDS = CORE_EVENT_KINDS;

export const PACKAGE_SAMPLE = 50;

export type LiveEvent = CoreEvent;

export type { CoreEvent };

export type LiveListener = (event: LiveEvent) => void;

/** A part's work on an event that the emitter waits for (`publish`). */
export type EventHandler<K extends LiveEventKind> = (event: CoreEvent<K>) => Promise<void>;

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
  /** One kind only, typed: how a part of the core listens to another (issue 22 §3). */
  on<K extends LiveEventKind>(kind: K, listener: (event: CoreEvent<K>) => void): () => void;
  /**
   * A part's work on one kind that must be done before the emitter goes on (the install
   * workflow after a command finished, before the agent gets its receipt): run by `publish`,
   * in the order registered. One that throws is reported to `onError`; the others still run.
   */
  handle<K extends LiveEventKind>(kind: K, handler: EventHandler<K>): () => void;
  /** `emit`, then the kind's handlers, awaited one after the other. */
  publish<K extends LiveEventKind>(
    kind: K,
    agentId: string | null,
    data: LiveEventData[K],
  ): Promise<LiveEvent>;
  /** Events after `id` still in the ring buffer, oldest first. */
  since(id: number, stream?: string): Replay;
  /** A service of the core (issue 22 §3): stopped last, when no part emits any more. */
  readonly name: string;
  start(): Promise<void>;
  /** Drops every listener and handler: the parts that listened have stopped. */
  stop(): Promise<void>;
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
  const handlers = new Map<LiveEventKind, Array<EventHandler<LiveEventKind>>>();
  const stream = randomUUID();
  let lastId = 0;

  const bus: LiveBus = {
    name: 'live bus',
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
    on(kind, listener) {
      const filtered: LiveListener = (event) => {
        if (event.kind === kind) listener(event as CoreEvent<typeof kind>);
      };
      listeners.add(filtered);
      return () => listeners.delete(filtered);
    },
    handle(kind, handler) {
      const list = handlers.get(kind) ?? [];
      handlers.set(kind, list);
      const entry = handler as EventHandler<LiveEventKind>;
      list.push(entry);
      return () => {
        const at = list.indexOf(entry);
        if (at >= 0) list.splice(at, 1);
      };
    },
    async publish(kind, agentId, data) {
      const event = bus.emit(kind, agentId, data);
      for (const handler of [...(handlers.get(kind) ?? [])]) {
        try {
          await handler(event);
        } catch (err) {
          opts.onError?.(err);
        }
      }
      return event;
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
    async start() {},
    async stop() {
      listeners.clear();
      handlers.clear();
    },
  };
  return bus;
}
