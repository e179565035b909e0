import type { CoreEvent } from '../../../broker/protocol/live-events.js';
import { backoffDelay, type BackoffOptions, type Clock, realClock } from './clock.js';
import { Store } from './store.js';

/**
 * A bus event as GET /api/v1/live sends it (`{type: 'event', id, ts, kind, agentId, data}`):
 * the core's own event map, so a handler that checks `kind` has `data` typed (issue 22 §1).
 */
export type LiveEvent = CoreEvent;

/** What the server sends: events and control messages. */
type ServerMessage =
  | ({ type: 'event' } & LiveEvent)
  | { type: 'subscribed'; stream: string; lastId: number }
  | { type: 'reset'; stream: string; lastId: number; reason: string }
  | { type: 'heartbeat'; lastId: number };

export type LiveConnection = 'connecting' | 'open' | 'reconnecting' | 'stopped';

export interface LiveState {
  connection: LiveConnection;
  /** Failed attempts since the last open connection. */
  attempt: number;
  /** When the next attempt starts (ms since the epoch), while reconnecting. */
  retryAt: number | null;
  /** The id of the last event seen: the `since` of the next connection. */
  lastId: string | null;
  /** The server's stream id: ids are only comparable within one (a core restart starts a new one). */
  stream: string | null;
}

/** The part of the browser's WebSocket the client uses (ws's WebSocket has it too, for tests). */
export interface SocketLike {
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  close(code?: number, reason?: string): void;
}

export interface LiveClientOptions {
  /** http(s) URL of /api/v1/live, resolved against the panel's base; the client makes it ws(s). */
  url: string | URL;
  createSocket?: (url: string) => SocketLike;
  clock?: Clock;
  backoff?: BackoffOptions;
  /** Told when the stream cannot be resumed (the server said `reset`): refetch everything. */
  onReset?: () => void;
}

export type LiveListener = (event: LiveEvent) => void;

/**
 * The live stream (DESIGN.md §3.8): one WebSocket, reconnected with backoff, resumed with
 * `since=<last id>&stream=<stream>` so no event is lost across a drop; a `reset` answer (the gap is older than the
 * server keeps) tells stores to refetch. The connection state is a store, so the UI can say so.
 */
export class LiveClient {
  readonly state = new Store<LiveState>({
    connection: 'stopped',
    attempt: 0,
    retryAt: null,
    lastId: null,
    stream: null,
  });
  private readonly listeners = new Set<LiveListener>();
  private readonly resetListeners = new Set<() => void>();
  private socket: SocketLike | null = null;
  private timer: unknown = null;
  private readonly clock: Clock;
  private readonly backoff: BackoffOptions;

  constructor(private readonly options: LiveClientOptions) {
    this.clock = options.clock ?? realClock;
    this.backoff = options.backoff ?? { initialMs: 500, maxMs: 30_000 };
    if (options.onReset) this.resetListeners.add(options.onReset);
  }

  /** Every event (control messages excluded); returns the unsubscribe function. */
  subscribe(listener: LiveListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called when events may have been missed and state must be fetched again. */
  onReset(listener: () => void): () => void {
    this.resetListeners.add(listener);
    return () => this.resetListeners.delete(listener);
  }

  start(): void {
    if (this.socket || this.timer !== null) return;
    this.patch({ connection: 'connecting', retryAt: null });
    this.connect();
  }

  stop(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onclose = socket.onmessage = socket.onerror = socket.onopen = null;
      socket.close(1000, 'stopped');
    }
    this.patch({ connection: 'stopped', retryAt: null });
  }

  /** ws(s)://…/api/v1/live?since=<lastId>&stream=<stream> */
  socketUrl(): string {
    const url = new URL(this.options.url);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const { lastId, stream } = this.state.value;
    if (lastId !== null) url.searchParams.set('since', lastId);
    if (lastId !== null && stream !== null) url.searchParams.set('stream', stream);
    return url.toString();
  }

  private connect(): void {
    const create = this.options.createSocket ?? ((u: string) => new WebSocket(u) as unknown as SocketLike);
    let socket: SocketLike;
    try {
      socket = create(this.socketUrl());
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => this.patch({ connection: 'open', attempt: 0, retryAt: null });
    socket.onmessage = (ev) => this.receive(ev.data);
    socket.onerror = () => {}; // a close always follows; that is where we reconnect
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.scheduleReconnect();
    };
  }

  private scheduleReconnect(): void {
    const { attempt } = this.state.value;
    const delay = backoffDelay(attempt, this.backoff, this.clock.random);
    this.patch({ connection: 'reconnecting', attempt: attempt + 1, retryAt: this.clock.now() + delay });
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.patch({ connection: 'connecting', retryAt: null });
      this.connect();
    }, delay);
  }

  private receive(data: unknown): void {
    let message: ServerMessage;
    try {
      message = JSON.parse(String(data)) as ServerMessage;
    } catch {
      return; // not ours; the server only sends JSON
    }
    switch (message?.type) {
      case 'event': {
        const { type: _type, ...event } = message;
        this.patch({ lastId: String(event.id) });
        for (const listener of [...this.listeners]) listener(event);
        return;
      }
      case 'subscribed':
        // A fresh start resumes from here next time; a resumed one keeps its own position.
        this.patch({
          stream: message.stream,
          lastId: this.state.value.lastId ?? String(message.lastId),
        });
        return;
      case 'reset':
        // Events were missed (too old, or another stream): continue from now and reload state.
        this.patch({ stream: message.stream, lastId: String(message.lastId) });
        for (const listener of [...this.resetListeners]) listener();
        return;
      default:
        return; // heartbeats and anything newer
    }
  }

  private patch(change: Partial<LiveState>): void {
    this.state.set({ ...this.state.value, ...change });
  }
}
