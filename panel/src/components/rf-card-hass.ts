import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { CardConfig } from '../data/card.js';
import {
  fleetFromHass,
  type HassFleet,
  hassFigures,
  type HassHost,
  type HassLike,
  type HassUpdate,
} from '../data/card-hass.js';
import { followInsideHa } from '../data/ha-navigate.js';
import { cardFigures } from '../styles/card.js';
import { text, theme } from '../styles/theme.js';

/**
 * The card's body inside Home Assistant (issue 26 §4): no RedFlag token, RedFlag's entities read
 * from `hass.states` and installs through HA's own `update.install`, so they go the same way as
 * from HA's update dialog (the plugin's approve → dry run → install).
 */
@customElement('rf-card-hass')
export class RfCardHass extends LitElement {
  static override styles = [
    theme,
    text,
    cardFigures,
    css`
      :host {
        display: block;
      }
      ul.hosts {
        list-style: none;
        padding: 0;
        margin: 0;
      }
      ul.hosts > li {
        padding: 6px 0;
        border-top: 1px solid var(--rf-divider);
      }
      .update {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 4px 8px;
        margin-top: 2px;
      }
      .update .what {
        flex: 1 1 10em;
        min-width: 0;
      }
      button {
        font: inherit;
        border-radius: 8px;
        padding: 4px 12px;
        min-height: 32px;
        cursor: pointer;
        background: var(--rf-primary);
        color: var(--rf-on-primary);
        border: 1px solid var(--rf-primary);
      }
      button:disabled {
        opacity: 0.55;
        cursor: not-allowed;
      }
      button:focus-visible,
      a:focus-visible {
        outline: 3px solid var(--rf-focus);
        outline-offset: 2px;
      }
      progress {
        width: 6em;
      }
    `,
  ];

  @property({ attribute: false }) hass: HassLike | null = null;
  @property({ attribute: false }) config: CardConfig = {};
  /** Installs asked of HA and not yet answered: their buttons wait. */
  @state() private _asked = new Set<string>();
  @state() private _error: string | null = null;
  private _fleet: { states: unknown; fleet: HassFleet } | null = null;

  /** Recomputed only when HA hands a new states object (it does on every change). */
  get fleet(): HassFleet {
    const states = this.hass?.states ?? {};
    if (this._fleet?.states !== states) this._fleet = { states, fleet: fleetFromHass(states) };
    return this._fleet.fleet;
  }

  private async _install(update: HassUpdate, host: HassHost): Promise<void> {
    if (!this.hass) return;
    this._asked = new Set([...this._asked, update.entityId]);
    this._error = null;
    try {
      await this.hass.callService('update', 'install', { entity_id: update.entityId });
    } catch (err) {
      this._error = `Home Assistant refused the install on ${host.hostname}: ${(err as Error).message ?? err}`;
    } finally {
      const next = new Set(this._asked);
      next.delete(update.entityId);
      this._asked = next;
    }
  }

  override render() {
    const fleet = this.fleet;
    const max = this.config.max_hosts ?? 5;
    if (fleet.hosts.length === 0)
      return html`<p class="muted" role="status">
        No RedFlag hosts in Home Assistant yet: turn on discovery in RedFlag (the add-on's
        <code>discovery</code> option, or the <code>homeassistant</code> plugin), or give the card RedFlag's
        address and an API token.
      </p>`;
    return html`<ul class="figures" aria-label="Fleet summary">
        ${hassFigures(fleet).map(([n, label]) => html`<li><strong>${n}</strong><span>${label}</span></li>`)}
      </ul>
      ${this._error ? html`<p class="error" role="alert">${this._error}</p>` : nothing}
      ${
        fleet.attention.length === 0
          ? html`<p class="muted">All hosts are up to date.</p>`
          : html`<ul class="hosts" aria-label="Hosts with pending updates">
              ${fleet.attention.slice(0, max).map((h) => this._host(h))}
              ${
                fleet.attention.length > max
                  ? html`<li class="muted">${fleet.attention.length - max} more</li>`
                  : nothing
              }
            </ul>`
      }`;
  }

  /** A link into Home Assistant (the add-on's panel page) changes HA's route, as its own do. */
  private _follow = (e: MouseEvent) => followInsideHa(window, e, (e.currentTarget as HTMLAnchorElement).href);

  private _host(host: HassHost) {
    const link = host.updates.find((u) => u.url)?.url;
    const name = link
      ? html`<a href=${link} target="_top" @click=${this._follow}>${host.hostname}</a>`
      : host.hostname;
    const facts = [
      host.pending ? `${host.pending} pending` : null,
      host.security ? `${host.security} security` : null,
      host.online === false ? 'offline' : null,
      host.reboot ? 'reboot required' : null,
    ].filter(Boolean);
    return html`<li data-host=${host.hostId}>
      <strong>${name}</strong>
      <span class="muted">${facts.join(', ')}</span>
      ${host.updates.filter((u) => u.pending || u.inProgress).map((u) => this._update(u, host))}
    </li>`;
  }

  private _update(update: HassUpdate, host: HassHost) {
    const asked = this._asked.has(update.entityId);
    const label = update.label === 'Packages' ? 'Packages' : `Container ${update.label}`;
    return html`<div class="update" data-entity=${update.entityId}>
      <span class="what">${label}<br /><span class="muted">${update.summary}</span></span>
      ${
        update.inProgress
          ? html`<span role="status"
              >${
                update.percent === null
                  ? 'Installing…'
                  : html`<progress
                        max="100"
                        .value=${update.percent}
                        aria-label=${`Installing on ${host.hostname}`}
                      ></progress>
                      Installing… ${update.percent}%`
              }</span
            >`
          : update.canInstall
            ? html`<button
                ?disabled=${asked}
                aria-label=${`Install ${label.toLowerCase()} updates on ${host.hostname}`}
                @click=${() => void this._install(update, host)}
              >
                ${asked ? 'Starting…' : 'Install'}
              </button>`
            : nothing
      }
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rf-card-hass': RfCardHass;
  }
}
