import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { RfContext } from './context.js';
import type { LiveEvent } from './live-client.js';
import { refreshOnLive } from './refresh-on-live.js';

/** A view of one host: the context and the host it shows. */
export interface HostView extends ReactiveControllerHost {
  ctx: RfContext;
  agentId: string;
}

/**
 * When a view of one host reads it: as it first renders and whenever its `agentId` changes,
 * and again when a live event `stale` picks arrives (coalesced, at most every 250 ms). The
 * view's `load` reads and keeps the answer (one copy of what the host page and its containers
 * card each wrote).
 */
export class HostRefreshController implements ReactiveController {
  private _stop: (() => void) | null = null;
  private _loadedFor: string | null = null;

  constructor(
    private readonly _view: HostView,
    private readonly _stale: (e: LiveEvent, agentId: string) => boolean,
    private readonly _load: () => void,
  ) {
    _view.addController(this);
  }

  hostConnected(): void {
    this._stop = refreshOnLive(
      this._view.ctx.live,
      (e) => this._stale(e, this._view.agentId),
      this._load,
      250,
    );
  }

  hostDisconnected(): void {
    this._stop?.();
    this._stop = null;
  }

  hostUpdate(): void {
    if (this._view.agentId === this._loadedFor) return;
    this._loadedFor = this._view.agentId;
    this._load();
  }
}
