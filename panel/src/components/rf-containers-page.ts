import { html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { type Agent, CONTAINER_CHECK_STATUSES, type HostContainer } from '../data/api-types.js';
import { CHECK_STATUS_LABELS, containerFilterOf, containerQueryOf } from '../data/containers.js';
import type { RfContext } from '../data/context.js';
import { debounce } from '../data/debounce.js';
import { refreshOnLive } from '../data/refresh-on-live.js';
import { StoreController } from '../data/store.js';
import { pageStyles } from '../styles/pages.js';
import { shared } from '../styles/theme.js';
import './rf-container-list.js';

const PAGE_SIZE = 100;
const SEARCH_PAUSE_MS = 300;
/** What changes a container's row: its host's inventory, or the update of its image. */
const LIVE_KINDS = ['containers.changed', 'package.status', 'packages.changed'];

/**
 * Every container of the fleet (issue 24 §5), filtered as the updates page is: host, check
 * status and a search over name, image and compose project, kept in the address. Pages of
 * PAGE_SIZE by host and name; read again when a host's inventory or an image's update changes.
 */
@customElement('rf-containers-page')
export class RfContainersPage extends LitElement {
  static override styles = [shared, pageStyles];
  @property({ attribute: false }) ctx!: RfContext;
  @state() private _rows: HostContainer[] | null = null;
  @state() private _next: string | null = null;
  @state() private _agents: Agent[] = [];
  @state() private _error: string | null = null;
  private _location!: StoreController<RfContext['location']['current']['value']>;
  private _stop: (() => void) | null = null;
  private _loadedFor: string | null = null;
  private readonly _search = debounce((q: string) => this._set({ q }), SEARCH_PAUSE_MS);

  override connectedCallback(): void {
    super.connectedCallback();
    this._location ??= new StoreController(this, this.ctx.location.current);
    this._stop = refreshOnLive(this.ctx.live, LIVE_KINDS, () => void this._load(true), 250);
    void this.ctx.api.agents.list({ limit: 5000 }).then(
      (a) => (this._agents = a),
      () => {},
    );
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this._stop?.();
    this._search.flush();
  }

  override willUpdate(): void {
    const key = this._location.value.query.toString();
    if (key !== this._loadedFor) {
      this._loadedFor = key;
      void this._load();
    }
  }

  private get _filter() {
    return containerFilterOf(this._location.value.query);
  }

  /** The first page; `keepShown`: as many rows as are shown (a live reload keeps the place). */
  private async _load(keepShown = false): Promise<void> {
    const filter = this._filter;
    try {
      const limit = keepShown ? Math.max(PAGE_SIZE, this._rows?.length ?? 0) : PAGE_SIZE;
      const page = await this.ctx.api.containers.list(filter, { limit: Math.min(limit, 1000) });
      if (JSON.stringify(filter) !== JSON.stringify(this._filter)) return;
      this._rows = page.items;
      this._next = page.nextCursor;
      this._error = null;
    } catch (err) {
      this._error = (err as Error).message;
    }
  }

  private async _more(): Promise<void> {
    try {
      const page = await this.ctx.api.containers.list(this._filter, { limit: PAGE_SIZE, cursor: this._next });
      this._rows = [...(this._rows ?? []), ...page.items];
      this._next = page.nextCursor;
    } catch (err) {
      this._error = (err as Error).message;
    }
  }

  private _set(change: { agent?: string; status?: string; q?: string }): void {
    const next = { ...containerQueryOf(this._filter), ...change };
    this.ctx.location.replaceQuery(next);
  }

  override render() {
    const f = this._filter;
    const agent = Array.isArray(f.agent) ? f.agent.join(',') : (f.agent ?? '');
    const status = Array.isArray(f.status) ? f.status.join(',') : (f.status ?? '');
    const hosts = [...this._agents].sort((a, b) => a.hostname.localeCompare(b.hostname));
    const rows = this._rows;
    return html`<h1>Containers</h1>
      <form
        class="toolbar"
        role="search"
        aria-label="Filter containers"
        @submit=${(e: Event) => {
          e.preventDefault();
          this._search.flush();
        }}
      >
        <label
          >Search
          <input
            type="search"
            name="q"
            placeholder="container, image or compose project"
            .value=${f.q ?? ''}
            @input=${(e: Event) => this._search((e.target as HTMLInputElement).value.trim())}
            @keydown=${(e: KeyboardEvent) => (e.key === 'Enter' ? this._search.flush() : undefined)}
        /></label>
        <label
          >Host
          <select
            name="agent"
            @change=${(e: Event) => this._set({ agent: (e.target as HTMLSelectElement).value })}
          >
            <option value="">any</option>
            ${hosts.map((a) => html`<option value=${a.id} ?selected=${agent === a.id}>${a.hostname}</option>`)}
          </select></label
        >
        <label
          >Status
          <select
            name="status"
            @change=${(e: Event) => this._set({ status: (e.target as HTMLSelectElement).value })}
          >
            <option value="">any</option>
            ${CONTAINER_CHECK_STATUSES.map(
              (s) => html`<option value=${s} ?selected=${status === s}>${CHECK_STATUS_LABELS[s]}</option>`,
            )}
          </select></label
        >
      </form>
      ${this._error ? html`<p class="error" role="alert">${this._error}</p>` : nothing}
      ${
        rows === null
          ? html`<p class="muted" role="status">Loading containers…</p>`
          : html`<section class="card table-wrap" aria-label="Fleet containers">
              <rf-container-list
                .ctx=${this.ctx}
                .containers=${rows}
                showHost
                @rf-containers-changed=${() => void this._load(true)}
              ></rf-container-list>
              ${
                rows.length === 0
                  ? html`<p class="muted">No containers match. Hosts report theirs with each docker scan.</p>`
                  : nothing
              }
              ${this._next ? html`<p><button @click=${() => void this._more()}>More containers</button></p>` : nothing}
            </section>`
      }`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rf-containers-page': RfContainersPage;
  }
}
