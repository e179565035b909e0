import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { type CardData, createCardApi } from '../data/card-api.js';
import { type CardConfig, hostsNeedingAttention, REASON_TEXT, validateCardConfig } from '../data/card.js';
import type { HassLike } from '../data/card-hass.js';
import { cardFigures } from '../styles/card.js';
import { text, theme } from '../styles/theme.js';
import './rf-card-editor.js';
import './rf-card-hass.js';

/**
 * The Lovelace card (issue 9 §4, issue 26 §4): the fleet summary and the hosts needing
 * attention. Inside Home Assistant (`hass` set, no token configured) it reads RedFlag's entities
 * from `hass` and installs through HA's `update.install` (rf-card-hass.ts); elsewhere it reads
 * RedFlag's API with a token, linking into the panel: a plain web component for other
 * dashboards, `<rf-card url=… token=…>`.
 */
@customElement('rf-card')
export class RfCard extends LitElement {
  static override styles = [
    theme,
    text,
    cardFigures,
    css`
      :host {
        display: block;
      }
      .card {
        background: var(--rf-surface);
        border-radius: var(--rf-radius);
        border: 1px solid var(--rf-divider);
        padding: 12px 16px;
        box-sizing: border-box;
        height: 100%;
      }
      h2 {
        margin: 0 0 8px;
        font-size: 1.1rem;
      }
      ul.hosts {
        list-style: none;
        padding: 0;
        margin: 0;
      }
      ul.hosts li {
        padding: 4px 0;
        border-top: 1px solid var(--rf-divider);
      }
      a:focus-visible {
        outline: 3px solid var(--rf-focus);
        outline-offset: 2px;
      }
    `,
  ];

  /** Plain-element configuration (other dashboards); Lovelace uses setConfig. */
  @property() url = '';
  @property() token = '';
  @property({ attribute: 'card-title' }) cardTitle = '';
  /** Set by Home Assistant: with no token configured, the card reads RedFlag's entities from it. */
  @property({ attribute: false }) hass: HassLike | null = null;
  @state() private _config: CardConfig | null = null;
  @state() private _data: CardData | null = null;
  @state() private _error: string | null = null;
  private _timer: ReturnType<typeof setInterval> | null = null;

  setConfig(config: unknown): void {
    this._config = validateCardConfig(config);
    this._restart();
  }

  /** Lovelace's masonry view: 50 px per unit, heading and figures plus a row per host listed. */
  getCardSize(): number {
    const listed = this._inHa
      ? (this.renderRoot?.querySelector('rf-card-hass')?.fleet.attention.length ?? 0)
      : this._attention().length;
    return 3 + Math.min(this._config?.max_hosts ?? 5, listed);
  }

  /** Lovelace's sections view: 12 columns; rows of 56 px. */
  getGridOptions() {
    return { rows: 4, columns: 6, min_rows: 3, min_columns: 4 };
  }

  /** What the card picker adds: inside Home Assistant nothing more is needed. */
  static getStubConfig(): CardConfig {
    return { title: 'RedFlag', max_hosts: 5 };
  }

  /** Home Assistant's mode: HA handed `hass` and the config asks for no token of RedFlag's. */
  private get _inHa(): boolean {
    return !!this.hass && !this._config?.token?.trim() && !this.token.trim();
  }

  static getConfigElement(): HTMLElement {
    return document.createElement('rf-card-editor');
  }

  private get _effective(): CardConfig {
    return (
      this._config ??
      validateCardConfig({
        url: this.url,
        token: this.token,
        ...(this.cardTitle ? { title: this.cardTitle } : {}),
      })
    );
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this._restart();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this._timer) clearInterval(this._timer);
    this._timer = null;
  }

  override updated(changed: Map<string, unknown>): void {
    const modeChanged = changed.has('hass') && !changed.get('hass') !== !this.hass;
    if (modeChanged || (!this._config && (changed.has('url') || changed.has('token')))) this._restart();
  }

  private _restart(): void {
    if (!this.isConnected) return;
    if (this._timer) clearInterval(this._timer);
    this._timer = null;
    // Inside HA the entities come with every `hass` HA hands over: nothing to poll.
    if (this._inHa) return;
    this._timer = setInterval(() => void this._load(), (this._effective.refresh_seconds ?? 60) * 1000);
    void this._load();
  }

  private async _load(): Promise<void> {
    let config: CardConfig;
    try {
      config = this._effective;
    } catch (err) {
      this._error = (err as Error).message;
      return;
    }
    try {
      this._data = await createCardApi(config, window.location.href).load();
      this._error = null;
    } catch (err) {
      this._error = `Cannot reach RedFlag: ${(err as Error).message}`;
    }
  }

  private _attention() {
    return this._data ? hostsNeedingAttention(this._data.agents, this._data.failed) : [];
  }

  override render() {
    let config: CardConfig;
    try {
      config = this._effective;
    } catch (err) {
      return html`<div class="card"><p class="error" role="alert">${(err as Error).message}</p></div>`;
    }
    if (this._inHa) {
      const title = config.title ?? 'RedFlag';
      return html`<article class="card" aria-label=${title}>
        <h2>${config.url ? html`<a href=${config.url} target="_top">${title}</a>` : title}</h2>
        <rf-card-hass .hass=${this.hass} .config=${config}></rf-card-hass>
      </article>`;
    }
    const links = createCardApi(config, window.location.href);
    const d = this._data;
    const attention = this._attention();
    const max = config.max_hosts ?? 5;
    return html`<article class="card" aria-label=${config.title ?? 'RedFlag'}>
      <h2><a href=${links.panelUrl('/')} target="_top">${config.title ?? 'RedFlag'}</a></h2>
      ${this._error ? html`<p class="error" role="alert">${this._error}</p>` : nothing}
      ${
        !d
          ? this._error
            ? nothing
            : html`<p class="muted" role="status">Loading…</p>`
          : html`<ul class="figures" aria-label="Fleet summary">
                ${figures(d).map(([n, label]) => html`<li><strong>${n}</strong><span>${label}</span></li>`)}
              </ul>
              ${
                attention.length === 0
                  ? html`<p class="muted">All hosts are fine.</p>`
                  : html`<ul class="hosts" aria-label="Hosts needing attention">
                      ${attention.slice(0, max).map(
                        (h) =>
                          html`<li>
                            <a href=${links.panelUrl(`/hosts/${h.agent.id}`)} target="_top"
                              >${h.agent.hostname}</a
                            >
                            <span class="muted">${h.reasons.map((r) => REASON_TEXT[r]).join(', ')}</span>
                          </li>`,
                      )}
                      ${
                        attention.length > max
                          ? html`<li>
                              <a href=${links.panelUrl('/hosts')} target="_top"
                                >${attention.length - max} more</a
                              >
                            </li>`
                          : nothing
                      }
                    </ul>`
              }`
      }
    </article>`;
  }
}

/** The summary figures: from GET /api/v1/stats, or counted from the lists without it. */
function figures(d: CardData): Array<[string, string]> {
  const s = d.stats;
  const active = d.agents.filter((a) => a.status === 'active');
  return [
    [
      `${s?.agents.online ?? active.filter((a) => a.online).length}/${s?.agents.total ?? active.length}`,
      'hosts online',
    ],
    [s ? String(s.pending.total) : '–', 'updates pending'],
    [s ? String(s.pending.security) : '–', 'security'],
    [String(s?.agents.rebootRequired ?? active.filter((a) => a.rebootRequired).length), 'reboots needed'],
    [String(s?.failedCommands.count ?? d.failed.length), 'failed commands'],
  ];
}

interface CustomCardEntry {
  type: string;
  name: string;
  description: string;
  preview?: boolean;
}

const w = window as unknown as { customCards?: CustomCardEntry[] };
w.customCards ??= [];
if (!w.customCards.some((c) => c.type === 'rf-card'))
  w.customCards.push({
    type: 'rf-card',
    name: 'RedFlag',
    description: 'Pending updates of your fleet and the hosts needing attention, with Install',
    // Inside Home Assistant it needs no configuration, so the card picker can show it live.
    preview: true,
  });

declare global {
  interface HTMLElementTagNameMap {
    'rf-card': RfCard;
  }
}
