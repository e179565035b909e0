import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { ApiError } from '../data/api-error.js';
import type {
  ProxmoxEnrollmentResult,
  ProxmoxTree,
  ProxmoxTreeCluster,
  ProxmoxTreeGuest,
  ProxmoxTreeNode,
} from '../data/api-types.js';
import type { RfContext } from '../data/context.js';
import { HOST_KINDS } from '../data/live-events.js';
import { clusterLabel, followEnrollment, proxmoxApi, proxmoxNodePath } from '../data/proxmox.js';
import { refreshOnLive } from '../data/refresh-on-live.js';
import { pageStyles } from '../styles/pages.js';
import { shared } from '../styles/theme.js';
import { containerList, containerListStyles, guestHead, guestRow, pendingBadges } from './rf-proxmox-rows.js';

/**
 * The hosts page's Proxmox tree (issue 23 §6), from the plugin's `GET /tree`: clusters and
 * nodes collapsible, pending updates by severity at each level, guests without an agent marked,
 * with "Enroll" for a container. Draws nothing when the Proxmox plugin is not enabled.
 */
@customElement('rf-proxmox-tree')
export class RfProxmoxTree extends LitElement {
  static override styles = [
    shared,
    pageStyles,
    containerListStyles,
    css`
      .level {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 8px;
      }
      .level h2,
      .level h3 {
        margin: 0;
        font-size: inherit;
      }
      button.toggle {
        min-width: 2.2em;
      }
      .node {
        margin: 12px 0 0 16px;
      }
    `,
  ];
  @property({ attribute: false }) ctx!: RfContext;
  /**
   * Some agent carries `metadata.proxmox`, which only the plugin writes: for those who may not
   * list the core's plugins (below admin), the sign that the plugin runs.
   */
  @property({ type: Boolean }) placed = false;
  /** Whether the plugin runs: null until known. Asked first, so no route answers 404 in vain. */
  @state() private _enabled: boolean | null = null;
  @state() private _tree: ProxmoxTree | null = null;
  @state() private _absent = false;
  @state() private _error: string | null = null;
  /** Keys of collapsed levels: `c:<endpoint>`, `n:<endpoint>/<node>`, `g:<endpoint>/<vmid>`. */
  @state() private _collapsed = new Set<string>();
  /** Per container (`<endpoint>/<vmid>`): its last enrollment result here, or `enrolling`. */
  @state() private _enrollments = new Map<string, ProxmoxEnrollmentResult | 'enrolling'>();
  private _stop: (() => void) | null = null;
  private _abort = new AbortController();

  private get _api() {
    return proxmoxApi(this.ctx.api.client);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this._abort = new AbortController();
    this._stop = refreshOnLive(
      this.ctx.live,
      (e) => HOST_KINDS.has(e.kind) || e.kind === 'plugin.progress',
      () => void this._load(),
      500,
    );
    void this._detect();
  }

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('placed') && this.placed && this._enabled === false && !this.ctx.session.can('admin')) {
      this._enabled = true;
      void this._load();
    }
  }

  private async _detect(): Promise<void> {
    if (this.ctx.session.can('admin')) {
      try {
        const plugins = await this.ctx.api.plugins.list();
        this._enabled = plugins.some((p) => p.name === 'proxmox' && p.state === 'active');
      } catch {
        this._enabled = false; // the API client showed a toast and reported it
      }
    } else this._enabled = this.placed;
    if (this._enabled) await this._load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this._stop?.();
    this._abort.abort();
  }

  private async _load(): Promise<void> {
    if (!this._enabled) return;
    try {
      const first = this._tree === null;
      this._tree = await this._api.tree();
      this._absent = false;
      this._error = null;
      // The hosts page then lists hosts without a second, metadata-drawn tree.
      if (first) this.dispatchEvent(new CustomEvent('rf-proxmox-tree-shown'));
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) this._absent = true;
      else this._error = err instanceof Error ? err.message : String(err);
    }
  }

  private _toggle(key: string): void {
    const next = new Set(this._collapsed);
    if (!next.delete(key)) next.add(key);
    this._collapsed = next;
  }

  private async _enroll(endpoint: string, g: ProxmoxTreeGuest): Promise<void> {
    const key = `${endpoint}/${g.vmid}`;
    const set = (value: ProxmoxEnrollmentResult | 'enrolling') =>
      (this._enrollments = new Map(this._enrollments).set(key, value));
    set('enrolling');
    try {
      const first = await this._api.enroll({ endpoint, vmid: g.vmid });
      await followEnrollment(
        this._api,
        first,
        (run) => {
          const mine = run.results.find((r) => r.endpoint === endpoint && r.vmid === g.vmid);
          if (mine) set(mine);
        },
        this._abort.signal,
      );
      void this._load();
    } catch {
      // the API client showed a toast and reported it
      const next = new Map(this._enrollments);
      next.delete(key);
      this._enrollments = next;
    }
  }

  override render() {
    if (this._absent || (this._tree === null && this._error === null)) return nothing;
    return html`<section class="card" aria-label="Proxmox">
      <h2>Proxmox</h2>
      ${this._error ? html`<p class="error" role="alert">${this._error}</p>` : nothing}
      ${this._tree?.clusters.length === 0 ? html`<p class="muted">No Proxmox endpoint is configured.</p>` : nothing}
      ${this._tree?.clusters.map((c) => this._cluster(c))}
    </section>`;
  }

  private _cluster(c: ProxmoxTreeCluster) {
    const key = `c:${c.endpoint}`;
    const open = !this._collapsed.has(key);
    const label = clusterLabel(c);
    return html`<div role="group" aria-label=${label}>
      <div class="level">
        <button
          class="toggle"
          aria-expanded=${open ? 'true' : 'false'}
          aria-label=${`${open ? 'Collapse' : 'Expand'} ${label}`}
          @click=${() => this._toggle(key)}
        >
          ${open ? '▾' : '▸'}
        </button>
        <h3>${label}</h3>
        ${pendingBadges(c.pending)}
        ${c.lastError ? html`<span class="warn" role="note">${c.lastError}</span>` : nothing}
      </div>
      ${open ? c.nodes.map((n) => this._node(c, n)) : nothing}
    </div>`;
  }

  private _node(c: ProxmoxTreeCluster, n: ProxmoxTreeNode) {
    const key = `n:${c.endpoint}/${n.name}`;
    const open = !this._collapsed.has(key);
    const label = `Node ${n.name}`;
    const admin = this.ctx.session.can('admin');
    return html`<div class="node table-wrap" role="group" aria-label=${label}>
      <div class="level">
        <button
          class="toggle"
          aria-expanded=${open ? 'true' : 'false'}
          aria-label=${`${open ? 'Collapse' : 'Expand'} ${label}`}
          @click=${() => this._toggle(key)}
        >
          ${open ? '▾' : '▸'}
        </button>
        <h3><a href=${this.ctx.location.href(proxmoxNodePath(c.endpoint, n.name))}>${label}</a></h3>
        <span class="muted">${n.status}</span>
        ${pendingBadges(n.pending)}
        ${n.agentId ? html`<a href=${this.ctx.location.href(`/hosts/${n.agentId}`)}>its host</a>` : nothing}
      </div>
      ${open && n.containers.length > 0 ? containerList(`Containers of ${n.name}'s own host`, n.containers) : nothing}
      ${
        open
          ? html`<table aria-label=${`Guests of ${n.name}`}>
              ${guestHead()}
              <tbody>
                ${n.guests.map((g) =>
                  guestRow(this.ctx, g, {
                    containersCollapsed: this._collapsed.has(`g:${c.endpoint}/${g.vmid}`),
                    onToggleContainers: () => this._toggle(`g:${c.endpoint}/${g.vmid}`),
                    ...(admin ? { onEnroll: () => void this._enroll(c.endpoint, g) } : {}),
                    ...(this._enrollments.has(`${c.endpoint}/${g.vmid}`)
                      ? { enrollment: this._enrollments.get(`${c.endpoint}/${g.vmid}`)! }
                      : {}),
                  }),
                )}
              </tbody>
            </table>`
          : nothing
      }
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rf-proxmox-tree': RfProxmoxTree;
  }
}
