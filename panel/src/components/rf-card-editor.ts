import { css, html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { CardConfig } from '../data/card.js';
import { theme } from '../styles/theme.js';

const FIELDS: Array<{ key: keyof CardConfig; label: string; type: 'text' | 'password' | 'number' | 'url' }> =
  [
    { key: 'url', label: 'RedFlag address (empty: this origin)', type: 'url' },
    { key: 'token', label: 'API token (viewer)', type: 'password' },
    { key: 'title', label: 'Title', type: 'text' },
    { key: 'max_hosts', label: 'Hosts listed', type: 'number' },
  ];

/** The card's visual editor in Lovelace: edits the config and fires `config-changed`. */
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
    `,
  ];
  @property({ attribute: false }) hass: unknown;
  @property({ attribute: false }) config: CardConfig = {};

  setConfig(config: CardConfig): void {
    this.config = { ...config };
  }

  override render() {
    return html`${FIELDS.map(
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
