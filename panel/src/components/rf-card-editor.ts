import { css, html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { CardConfig } from '../data/card.js';
import { fleetFromHass, type HassLike } from '../data/card-hass.js';
import { theme } from '../styles/theme.js';

const FIELDS: Array<{ key: keyof CardConfig; label: string; type: 'text' | 'password' | 'number' | 'url' }> =
  [
    { key: 'url', label: 'RedFlag address (empty: this origin; a link in Home Assistant)', type: 'url' },
    { key: 'token', label: 'API token (viewer; empty in Home Assistant)', type: 'password' },
    { key: 'title', label: 'Title', type: 'text' },
    { key: 'max_hosts', label: 'Hosts listed', type: 'number' },
  ];

/**
 * The card's visual editor in Lovelace: edits the config and fires `config-changed`. Inside
 * Home Assistant it says how many RedFlag hosts HA knows, which is all the card needs there.
 */
@customElement('rf-card-editor')
export class RfCardEditor extends LitElement {
  static override styles = [
    theme,
    css`
      label {
        display: grid;
        gap: 2px;
        margin-bottom: 8px;
      }
      input {
        font: inherit;
        padding: 6px;
      }
      .note {
        margin: 0 0 8px;
      }
    `,
  ];
  @property({ attribute: false }) hass: HassLike | null = null;
  @property({ attribute: false }) config: CardConfig = {};

  setConfig(config: CardConfig): void {
    this.config = { ...config };
  }

  override render() {
    const hosts = this.hass ? fleetFromHass(this.hass.states).hosts.length : null;
    return html`${
      hosts === null
        ? nothing
        : html`<p class="note" role="status">
            ${
              hosts > 0
                ? `Home Assistant knows ${hosts} RedFlag host${hosts === 1 ? '' : 's'}: the card reads them from Home Assistant and needs no address or token.`
                : 'Home Assistant knows no RedFlag hosts: turn on discovery in RedFlag, or give an address and an API token.'
            }
          </p>`
    }
    ${FIELDS.map(
      (f) =>
        html`<label
          >${f.label}
          <input
            type=${f.type}
            .value=${this.config[f.key] === undefined ? '' : String(this.config[f.key])}
            @change=${(e: Event) => this._change(f.key, (e.target as HTMLInputElement).value, f.type)}
        /></label>`,
    )}`;
  }

  private _change(key: keyof CardConfig, raw: string, type: string): void {
    const next: Record<string, unknown> = { ...this.config };
    if (raw === '') delete next[key];
    else next[key] = type === 'number' ? Number(raw) : raw;
    this.config = next as CardConfig;
    this.dispatchEvent(
      new CustomEvent('config-changed', { detail: { config: this.config }, bubbles: true, composed: true }),
    );
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rf-card-editor': RfCardEditor;
  }
}
