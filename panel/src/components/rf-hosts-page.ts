import { html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Agent } from '../data/api-types.js';
import type { RfContext } from '../data/context.js';
import { filterHosts, type HostFilter, type HostNode, layoutHosts } from '../data/hosts.js';
import { HOST_KINDS } from '../data/live-events.js';
import { refreshOnLive } from '../data/refresh-on-live.js';
import { StoreController } from '../data/store.js';
import { pageStyles } from '../styles/pages.js';
import { shared } from '../styles/theme.js';
import { hostHead, hostRow } from './rf-host-row.js';

/** Every host: search, status filter, pending by severity; a Proxmox tree when agents say where they run. */
@customElement('rf-hosts-page')
export class RfHostsPage extends LitElement {
  static override styles = [shared, pageStyles];
  @property({ attribute: false }) ctx!: RfContext;
  @state() private _agents: Agent[] | null = null;
  @state() private _error: string | null = null;
  private _location!: StoreController<RfContext['location']['current']['value']>;
  private _stop: (() => void) | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    this._location ??= new StoreController(this, this.ctx.location.current);
    this._stop = refreshOnLive(
      this.ctx.live,
      (ev) => HOST_KINDS.has(ev.kind),
      () => void this._load(),
      250,
    );
    void this._load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this._stop?.();
  }

  private async _load(): Promise<void> {
    try {
      this._agents = await this.ctx.api.agents.list({ limit: 5000 });
      this._error = null;
    } catch (err) {
      this._error = (err as Error).message;
    }
  }

  private get _filter(): HostFilter {
    const q = this._location.value.query;
    const status = q.get('status');
    return {
      q: q.get('q') ?? '',
      ...(status === 'online' || status === 'offline' || status === 'revoked' ? { status } : {}),
    };
  }

  private _setFilter(change: Partial<Record<'q' | 'status', string>>): void {
    const f = { ...this._filter, ...change };
    this.ctx.location.replaceQuery({ q: f.q || undefined, status: f.status || undefined });
  }

  override render() {
    const f = this._filter;
    return html`<h1>Hosts</h1>
      <div class="toolbar" role="search">
        <label
          >Search
          <input
            type="search"
            .value=${f.q ?? ''}
            placeholder="hostname, OS, label"
            @input=${(e: Event) => this._setFilter({ q: (e.target as HTMLInputElement).value })}
        /></label>
        <label
          >Status
          <select @change=${(e: Event) => this._setFilter({ status: (e.target as HTMLSelectElement).value })}>
            ${['', 'online', 'offline', 'revoked'].map(
              (s) => html`<option value=${s} ?selected=${(f.status ?? '') === s}>${s || 'any'}</option>`,
            )}
          </select></label
        >
      </div>
      ${this._error ? html`<p class="error" role="alert">${this._error}</p>` : nothing}
      ${this._agents === null ? html`<p class="muted" role="status">Loading hosts…</p>` : this._list(f)}`;
  }

  private _list(f: HostFilter) {
    const agents = filterHosts(this._agents!, f);
    const total = this._agents!.length;
    const summary = html`<p class="muted" role="status">${agents.length} of ${total} hosts</p>`;
    if (total === 0)
      return html`<p>No hosts yet. <a href=${this.ctx.location.href('/enrollment')}>Enrol one</a>.</p>`;
    const layout = layoutHosts(agents);
    if (layout.kind === 'flat')
      return html`${summary}
        <div class="card table-wrap">
          <table aria-label="Hosts">
            ${hostHead()}
            <tbody>
              ${layout.hosts.map((a) => hostRow(this.ctx, a))}
            </tbody>
          </table>
        </div>`;
    return html`${summary}
    ${layout.clusters.map(
      (c) =>
        html`<section class="card table-wrap" aria-label=${c.name ? `Cluster ${c.name}` : 'Proxmox nodes'}>
          <h2>${c.name ? `Cluster ${c.name}` : 'Proxmox nodes'}</h2>
          ${c.nodes.map((n) => this._node(n))}
        </section>`,
    )}
    ${
      layout.others.length
        ? html`<section class="card table-wrap" aria-label="Other hosts">
            <h2>Other hosts</h2>
            <table aria-label="Other hosts">
              ${hostHead()}
              <tbody>
                ${layout.others.map((a) => hostRow(this.ctx, a))}
              </tbody>
            </table>
          </section>`
        : nothing
    }`;
  }

  private _node(n: HostNode) {
    return html`<h3>Node ${n.name}</h3>
      <table aria-label=${`Node ${n.name}`}>
        ${hostHead()}
        <tbody>
          ${n.host ? hostRow(this.ctx, n.host) : nothing} ${n.guests.map((a) => hostRow(this.ctx, a, true))}
        </tbody>
      </table>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rf-hosts-page': RfHostsPage;
  }
}
