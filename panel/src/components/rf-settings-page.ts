import { html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { RfContext } from '../data/context.js';
import { pageStyles } from '../styles/pages.js';
import { shared } from '../styles/theme.js';
import './rf-api-tokens-settings.js';
import './rf-collection-settings.js';
import './rf-core-plugins.js';
import type { CollectionSpec } from './rf-collection-settings.js';
import './rf-plugin-settings.js';
import './rf-users-settings.js';
import { settingsCollections } from './settings-collections.js';

type AnySpec = CollectionSpec<{ id: string; enabled: boolean }>;

/** Settings (admin): users and roles, API tokens, policies, maintenance windows, scan schedules, plugins. */
@customElement('rf-settings-page')
export class RfSettingsPage extends LitElement {
  static override styles = [shared, pageStyles];
  @property({ attribute: false }) ctx!: RfContext;

  override render() {
    return html`<h1>Settings</h1>
      <rf-users-settings .ctx=${this.ctx}></rf-users-settings>
      <rf-api-tokens-settings .ctx=${this.ctx}></rf-api-tokens-settings>
      ${Object.values(settingsCollections(this.ctx)).map(
        (spec) =>
          html`<rf-collection-settings
            .ctx=${this.ctx}
            .spec=${spec as unknown as AnySpec}
          ></rf-collection-settings>`,
      )}
      <rf-plugin-settings .ctx=${this.ctx}></rf-plugin-settings>
      <rf-core-plugins .ctx=${this.ctx}></rf-core-plugins>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rf-settings-page': RfSettingsPage;
  }
}
