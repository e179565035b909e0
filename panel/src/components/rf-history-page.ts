import { html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Agent, EventQuery, SystemEvent } from '../data/api-types.js';
import type { RfContext } from '../data/context.js';
import { StoreController } from '../data/store.js';
import { pageStyles } from '../styles/pages.js';
import { shared } from '../styles/theme.js';

const PAGE_SIZE = 100;
type FilterKey = 'agent' | 'type' | 'severity' | 'component' | 'since' | 'until';

/** datetime-local gives local time without a zone; the API wants ISO 8601. */
const toIso = (local: string) => (local ? new Date(local).toISOString() : undefined);
const toLocal = (iso: string | null) => {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
};

/** System events, newest first, filtered (host, type, severity, component, time) and keyset-paged. */
@customElement('rf-history-page')
export class RfHistoryPage extends LitElement {
  static override styles = [shared, pageStyles];
  @property({ attribute: false }) ctx!: RfContext;
  @state() private _events: SystemEvent[] | null = null;
  @state() private _next: string | null = null;
  @state() private _agents: Agent[] = [];
  @state() private _error: string | null = null;
  private _location!: StoreController<RfContext['location']['current']['value']>;
  private _off: Array<() => void> = [];
  private _loadedFor: string | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    this._location ??= new StoreController(this, this.ctx.location.current);
    this._off = [
      this.ctx.live.subscribe((ev) => {
        if (ev.kind === 'system.event') this._prepend(ev.data, ev.agentId);
      }),
      this.ctx.live.onReset(() => void this._load()),
    ];
    void this.ctx.api.agents.list({ limit: 5000 }).then(
      (a) => (this._agents = a),
      () => {},
    );
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const off of this._off.splice(0)) off();
  }

  override willUpdate(): void {
    const key = this._location.value.query.toString();
    if (key !== this._loadedFor) {
      this._loadedFor = key;
      void this._load();
    }
  }

  private get _query(): EventQuery {
    const q = this._location.value.query;
    const get = (k: FilterKey) => q.get(k) || undefined;
    return {
      agent: get('agent'),
      type: get('type'),
      component: get('component'),
      ...(get('severity') ? { minSeverity: get('severity') as EventQuery['minSeverity'] } : {}),
      since: get('since'),
      until: get('until'),
    };
  }

  private async _load(more = false): Promise<void> {
    try {
      const page = await this.ctx.api.eventPages.list(this._query, {
        limit: PAGE_SIZE,
        cursor: more ? this._next : undefined,
      });
      this._events = more ? [...(this._events ?? []), ...page.items] : page.items;
      this._next = page.nextCursor;
      this._error = null;
    } catch (err) {
      this._error = (err as Error).message;
    }
  }

  /** A live event that matches the filters goes on top (the newest are first). */
  private _prepend(e: SystemEvent, agentId: string | null): void {
    if (!this._events || !e?.id) return;
    const q = this._query;
    const rank = ['info', 'warning', 'error', 'critical'];
    if (q.agent && q.agent !== agentId) return;
    if (q.type && q.type !== e.type) return;
    if (q.component && q.component !== e.component) return;
    if (q.minSeverity && rank.indexOf(e.severity) < rank.indexOf(q.minSeverity)) return;
    if (q.until) return; // a window that ends in the past takes no new events
    if (this._events.some((x) => x.id === e.id)) return;
    this._events = [{ ...e, agentId }, ...this._events];
  }

  private _set(key: FilterKey, value: string): void {
    const q = new URLSearchParams(this._location.value.query);
    if (value) q.set(key, value);
    else q.delete(key);
    this.ctx.location.replaceQuery(q);
  }

  override render() {
    const q = this._location.value.query;
    const host = (id: string | null | undefined) =>
      this._agents.find((a) => a.id === id)?.hostname ?? id ?? '';
    const text = (key: FilterKey, label: string) =>
      html`<label
        >${label}
        <input
          .value=${q.get(key) ?? ''}
          @change=${(e: Event) => this._set(key, (e.target as HTMLInputElement).value.trim())}
      /></label>`;
    const time = (key: 'since' | 'until', label: string) =>
      html`<label
        >${label}
        <input
          type="datetime-local"
          .value=${toLocal(q.get(key))}
          @change=${(e: Event) => this._set(key, toIso((e.target as HTMLInputElement).value) ?? '')}
      /></label>`;
    return html`<h1>History</h1>
      <form class="toolbar" aria-label="Filter events" @submit=${(e: Event) => e.preventDefault()}>
        <label
          >Host
          <select @change=${(e: Event) => this._set('agent', (e.target as HTMLSelectElement).value)}>
            <option value="">any</option>
            ${this._agents.map((a) => html`<option value=${a.id} ?selected=${q.get('agent') === a.id}>${a.hostname}</option>`)}
          </select></label
        >
        ${text('type', 'Type')}
        <label
          >Severity
          <select @change=${(e: Event) => this._set('severity', (e.target as HTMLSelectElement).value)}>
            ${['', 'info', 'warning', 'error', 'critical'].map(
              (s) =>
                html`<option value=${s} ?selected=${(q.get('severity') ?? '') === s}>
                  ${s ? `${s} or worse` : 'any'}
                </option>`,
            )}
          </select></label
        >
        ${text('component', 'Component')} ${time('since', 'From')} ${time('until', 'Until')}
      </form>
      ${this._error ? html`<p class="error" role="alert">${this._error}</p>` : nothing}
      ${
        this._events === null
          ? html`<p class="muted" role="status">Loading events…</p>`
          : html`<div class="card table-wrap">
                <table aria-label="Events">
                  <thead>
                    <tr>
                      <th scope="col">When</th>
                      <th scope="col">Severity</th>
                      <th scope="col">Host</th>
                      <th scope="col" class="hide-narrow">Component</th>
                      <th scope="col">Type</th>
                      <th scope="col">Message</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${this._events.map(
                      (e) =>
                        html`<tr>
                          <td>
                            <time datetime=${e.createdAt}>${new Date(e.createdAt).toLocaleString()}</time>
                          </td>
                          <td><span class="badge">${e.severity}</span></td>
                          <td>
                            ${e.agentId ? html`<a href=${this.ctx.location.href(`/hosts/${e.agentId}`)}>${host(e.agentId)}</a>` : ''}
                          </td>
                          <td class="hide-narrow">${e.component}</td>
                          <td>${e.type}${e.subtype ? `/${e.subtype}` : ''}</td>
                          <td>
                            ${e.message}
                            ${
                              typeof e.metadata?.commandId === 'string'
                                ? html` <a
                                    href=${this.ctx.location.href('/operations', { command: e.metadata.commandId })}
                                    >the command</a
                                  >`
                                : nothing
                            }
                          </td>
                        </tr>`,
                    )}
                  </tbody>
                </table>
                ${this._events.length === 0 ? html`<p class="muted">No events match.</p>` : nothing}
              </div>
              ${this._next ? html`<p><button @click=${() => void this._load(true)}>Older events</button></p>` : nothing}`
      }`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rf-history-page': RfHistoryPage;
  }
}
