import { html, LitElement } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Agent } from '../data/api-types.js';
import type { RfContext } from '../data/context.js';
import { StoreController } from '../data/store.js';
import { pageStyles } from '../styles/pages.js';
import { shared } from '../styles/theme.js';
import './rf-command-list.js';

/**
 * Live operations (issue 9 §1): running and recent commands of the fleet or one host, their
 * output streaming in, retry and cancel. `#/operations?agent=<id>&command=<id>`.
 */
@customElement('rf-operations-page')
export class RfOperationsPage extends LitElement {
  static override styles = [shared, pageStyles];
  @property({ attribute: false }) ctx!: RfContext;
  @state() private _agents: Agent[] = [];
  private _location!: StoreController<RfContext['location']['current']['value']>;

  override connectedCallback(): void {
    super.connectedCallback();
    this._location ??= new StoreController(this, this.ctx.location.current);
    void this.ctx.api.agents.list({ limit: 5000 }).then(
      (a) => (this._agents = a),
      () => {}, // the API client showed it; commands still list with short ids
    );
  }

  override render() {
    const q = this._location.value.query;
    const agent = q.get('agent') ?? '';
    const hostnames = new Map(this._agents.map((a) => [a.id, a.hostname]));
    return html`<h1>Operations</h1>
      <form class="toolbar" aria-label="Filter commands" @submit=${(e: Event) => e.preventDefault()}>
        <label
          >Host
          <select
            @change=${(e: Event) =>
              this.ctx.location.replaceQuery({ agent: (e.target as HTMLSelectElement).value || undefined })}
          >
            <option value="">every host</option>
            ${this._agents.map((a) => html`<option value=${a.id} ?selected=${a.id === agent}>${a.hostname}</option>`)}
          </select></label
        >
      </form>
      <section class="card" aria-label="Commands">
        <rf-command-list
          .ctx=${this.ctx}
          agentId=${agent}
          .hostnames=${hostnames}
          openCommand=${q.get('command') ?? ''}
        ></rf-command-list>
      </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rf-operations-page': RfOperationsPage;
  }
}
