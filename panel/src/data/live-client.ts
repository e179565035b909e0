import { backoffDelay, type BackoffOptions, type Clock, realClock } from './clock.js';
import { Store } from './store.js';

/** One message of GET /api/v1/live: a bus event with its id, or a control message (`reset`). */
export interface LiveMessage {
  id?: string | number;
  type: string;
  [field: string]: unknown;
}

export type LiveConnection = 'connecting' | 'open' | 'reconnecting' | 'stopped';

export interface LiveState {
  connection: LiveConnection;
  /** Failed attempts since the last open connection. */
  attempt: number;
  /** When the next attempt starts (ms since the epoch), while reconnecting. */
  retryAt: number | null;
  /** The id of the last event seen: the `since` of the next connection. */
  lastId: string | null;
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

export type LiveListener = (message: LiveMessage) => void;

/**
 * The live stream (DESIGN.md §3.8): one WebSocket, reconnected with backoff, resumed with
 * `since=<last id>` so no event is lost across a drop; a `reset` answer (the gap is older than the
 * server keeps) tells stores to refetch. The connection state is a store, so the UI can say so.
 */
export class LiveClient {
  readonly state = new Store<LiveState>({ connection: 'stopped', attempt: 0, retryAt: null, lastId: null });
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

  /** ws(s)://…/api/v1/live?since=<lastId> */
  socketUrl(): string {
    const url = new URL(this.options.url);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const since = this.state.value.lastId;
    if (since !== null) url.searchParams.set('since', since);
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
    let message: LiveMessage;
    try {
      message = JSON.parse(String(data)) as LiveMessage;
    } catch {
      return; // not ours; the server only sends JSON
    }
    if (!message || typeof message.type !== 'string') return;
    if (message.id !== undefined && message.id !== null) this.patch({ lastId: String(message.id) });
    if (message.type === 'reset') {
      for (const listener of [...this.resetListeners]) listener();
      return;
    }
    for (const listener of [...this.listeners]) listener(message);
  }

  private patch(change: Partial<LiveState>): void {
    this.state.set({ ...this.state.value, ...change });
  }
}
