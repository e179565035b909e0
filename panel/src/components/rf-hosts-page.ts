import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Agent } from '../data/api-types.js';
import type { RfContext } from '../data/context.js';
import { filterHosts, type HostFilter, type HostNode, layoutHosts, proxmoxPlace } from '../data/hosts.js';
import { ListController } from '../data/list-controller.js';
import { HOST_KINDS } from '../data/live-events.js';
import { StoreController } from '../data/store.js';
import { narrowCards } from '../styles/narrow-cards.js';
import { pageStyles } from '../styles/pages.js';
import { NARROW_MAX_WIDTH, shared } from '../styles/theme.js';
import { hostHead, hostRow } from './rf-host-row.js';
import './rf-proxmox-tree.js';

/** Every host: search, status filter, pending by severity; a Proxmox tree when agents say where they run. */
@customElement('rf-hosts-page')
export class RfHostsPage extends LitElement {
  static override styles = [
    shared,
    pageStyles,
    narrowCards,
    css`
      tr.guest th.host {
        padding-left: 24px;
      }
      /* A phone: one card per host (rf-host-row.ts names the cells). */
      @media (max-width: ${NARROW_MAX_WIDTH}px) {
        tbody tr {
          grid-template-columns: minmax(0, 1fr) auto;
          grid-template-areas:
            'host status'
            'os os'
            'pending reboot'
            'labels labels';
        }
        tr.guest {
          padding-left: 16px;
        }
        tr.guest th.host {
          padding-left: 0;
        }
        th.host {
          grid-area: host;
        }
        td.status {
          grid-area: status;
        }
        td.os {
          grid-area: os;
          color: var(--rf-text-secondary);
        }
        td.pending {
          grid-area: pending;
        }
        td.reboot {
          grid-area: reboot;
        }
        td.labels {
          grid-area: labels;
        }
        td.os:empty,
        td.labels:empty {
          display: none;
        }
      }
    `,
  ];
  @property({ attribute: false }) ctx!: RfContext;
  private _agents = new ListController(this, () => this.ctx.api.agents.list({ limit: 5000 }), {
    live: () => this.ctx.live,
    when: (ev) => HOST_KINDS.has(ev.kind),
    minMs: 250,
  });
  /** The plugin's tree is on the page: the list below is then flat, not a second tree. */
  @state() private _pluginTree = false;
  private _location!: StoreController<RfContext['location']['current']['value']>;

  override connectedCallback(): void {
    super.connectedCallback();
    this._location ??= new StoreController(this, this.ctx.location.current);
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
    const { items: all, error } = this._agents;
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
      <rf-proxmox-tree
        .ctx=${this.ctx}
        ?placed=${!!all?.some((a) => proxmoxPlace(a))}
        @rf-proxmox-tree-shown=${() => (this._pluginTree = true)}
      ></rf-proxmox-tree>
      ${error ? html`<p class="error" role="alert">${error}</p>` : nothing}
      ${
        all === null
          ? html`<p class="muted" role="status">Loading hosts…</p>`
          : error && all.length === 0
            ? nothing
            : this._list(all, f)
      }`;
  }

  private _list(all: Agent[], f: HostFilter) {
    const agents = filterHosts(all, f);
    const total = all.length;
    const summary = html`<p class="muted" role="status">${agents.length} of ${total} hosts</p>`;
    if (total === 0)
      return html`<p>No hosts yet. <a href=${this.ctx.location.href('/enrollment')}>Enrol one</a>.</p>`;
    const layout = layoutHosts(agents, this._pluginTree);
    if (layout.kind === 'flat')
      return html`${summary}
        <div class="card table-wrap">
          <table class="cards" aria-label="Hosts">
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
            <table class="cards" aria-label="Other hosts">
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
      <table class="cards" aria-label=${`Node ${n.name}`}>
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
