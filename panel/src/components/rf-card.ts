import { html, LitElement } from 'lit';
import { customElement } from 'lit/decorators.js';
import { theme } from '../styles/theme.js';

/** The Lovelace card (issue 9 §4); its own bundle (src/card.ts). The card's work fills this in. */
@customElement('rf-card')
export class RfCard extends LitElement {
  static override styles = [theme];

  override render() {
    return html`<p>RedFlag</p>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rf-card': RfCard;
  }
}
