import { html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { RfContext } from '../data/context.js';
import { pageStyles } from '../styles/pages.js';
import { shared } from '../styles/theme.js';
import './rf-api-tokens-settings.js';
import './rf-users-settings.js';

/** Settings (admin): users and roles, API tokens. */
@customElement('rf-settings-page')
export class RfSettingsPage extends LitElement {
  static override styles = [shared, pageStyles];
  @property({ attribute: false }) ctx!: RfContext;

  override render() {
    return html`<h1>Settings</h1>
      <rf-users-settings .ctx=${this.ctx}></rf-users-settings>
      <rf-api-tokens-settings .ctx=${this.ctx}></rf-api-tokens-settings>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rf-settings-page': RfSettingsPage;
  }
}
