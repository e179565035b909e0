import { html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { HostContainer } from '../data/api-types.js';
import type { RfContext } from '../data/context.js';
import { HostRefreshController } from '../data/host-refresh-controller.js';
import { pageStyles } from '../styles/pages.js';
import { shared } from '../styles/theme.js';
import './rf-container-list.js';

/**
 * A host's containers on its page (issue 24 §5), as its last docker scan reported them; read
 * again when that host's inventory or one of its updates changes. Nothing when the host has
 * never reported an inventory (no docker there).
 */
@customElement('rf-host-containers')
export class RfHostContainers extends LitElement {
  static override styles = [shared, pageStyles];
  @property({ attribute: false }) ctx!: RfContext;
  @property() agentId = '';
  @state() private _items: HostContainer[] = [];
  @state() private _scannedAt: string | null = null;
  @state() private _error: string | null = null;

  constructor() {
    super();
    new HostRefreshController(
      this,
      (ev, agentId) =>
        (ev.agentId === agentId && (ev.kind === 'containers.changed' || ev.kind === 'package.status')) ||
        ev.kind === 'packages.changed',
      () => void this._load(),
    );
  }

  private async _load(): Promise<void> {
    const id = this.agentId;
    try {
      const answer = await this.ctx.api.containers.ofAgent(id);
      if (id !== this.agentId) return;
      this._items = answer.items;
      this._scannedAt = answer.scannedAt;
      this._error = null;
    } catch (err) {
      this._error = (err as Error).message;
    }
  }

  override render() {
    if (this._error) return html`<p class="error" role="alert">${this._error}</p>`;
    if (!this._scannedAt) return nothing;
    const updates = this._items.filter((c) => c.checkStatus === 'update_available').length;
    return html`<section class="card table-wrap" aria-label="Containers">
      <h2>Containers (${this._items.length}${updates ? `, ${updates} with an update` : ''})</h2>
      ${
        this._items.length
          ? html`<rf-container-list
              .ctx=${this.ctx}
              .containers=${this._items}
              @rf-containers-changed=${() => void this._load()}
            ></rf-container-list>`
          : html`<p class="muted">No containers on this host.</p>`
      }
      <p class="muted">
        As of the docker scan of ${new Date(this._scannedAt).toLocaleString()}.
        <a href=${this.ctx.location.href('/containers', { agent: this.agentId })}
          >In the fleet's containers</a
        >
      </p>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rf-host-containers': RfHostContainers;
  }
}
