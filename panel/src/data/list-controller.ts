import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { LiveClient, LiveEvent } from './live-client.js';
import { refreshOnLive } from './refresh-on-live.js';

/** Which live events make the list stale, and at most how often to read it again. */
export interface LiveRefresh {
  live: () => Pick<LiveClient, 'subscribe' | 'onReset'>;
  when: (e: LiveEvent) => boolean;
  minMs: number;
}

/**
 * A list a page reads from the API when it is shown, and again after a change or when live
 * events say it is stale (issue 22 §1: one copy of what the settings and enrollment pages each
 * wrote). `items` is null until the first answer; a failed read keeps what was shown (an empty
 * list the first time, so the page does not say "Loading…" for ever) and its message is in
 * `error`; the API client has already shown a toast.
 */
export class ListController<T> implements ReactiveController {
  items: T[] | null = null;
  error: string | null = null;
  private _stop: (() => void) | null = null;

  constructor(
    private readonly _host: ReactiveControllerHost,
    private readonly _read: () => Promise<T[]>,
    private readonly _refresh?: LiveRefresh,
  ) {
    _host.addController(this);
  }

  hostConnected(): void {
    const r = this._refresh;
    if (r) this._stop = refreshOnLive(r.live(), r.when, () => void this.reload(), r.minMs);
    void this.reload();
  }

  hostDisconnected(): void {
    this._stop?.();
    this._stop = null;
  }

  async reload(): Promise<void> {
    try {
      this.items = await this._read();
      this.error = null;
    } catch (err) {
      this.items ??= [];
      this.error = err instanceof Error ? err.message : String(err);
    }
    this._host.requestUpdate();
  }
}
