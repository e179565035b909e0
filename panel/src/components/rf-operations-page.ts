import { html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { RfContext } from '../data/context.js';
import { shared } from '../styles/theme.js';

@customElement('rf-operations-page')
export class RfOperationsPage extends LitElement {
  static override styles = [shared];
  @property({ attribute: false }) ctx!: RfContext;

  override render() {
    return html`<h1>Operations</h1>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rf-operations-page': RfOperationsPage;
  }
}
