import { css, html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { LiveClient } from '../data/live-client.js';
import { StoreController } from '../data/store.js';

/** Says when the live stream is down and being resumed; silent while it is open. */
@customElement('rf-connection-status')
export class RfConnectionStatus extends LitElement {
  static override styles = css`
    .down {
      color: var(--rf-warning);
      font-weight: 600;
    }
    .up {
      color: var(--rf-success);
    }
  `;

  @property({ attribute: false }) live!: LiveClient;
  private _state: StoreController<LiveClient['state']['value']> | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    this._state ??= new StoreController(this, this.live.state);
  }

  override render() {
    const s = this._state?.value;
    if (!s || s.connection === 'stopped') return nothing;
    const text =
      s.connection === 'open'
        ? 'Live'
        : s.connection === 'connecting' && s.attempt === 0
          ? 'Connecting…'
          : 'Disconnected, reconnecting…';
    return html`<span
      role="status"
      data-connection=${s.connection}
      class=${s.connection === 'open' ? 'up' : 'down'}
      >${text}</span
    >`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rf-connection-status': RfConnectionStatus;
  }
}
