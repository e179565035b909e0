import { html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { PackageUpdate } from '../data/api-types.js';
import { pageStyles } from '../styles/pages.js';
import { shared } from '../styles/theme.js';

/** A host's open package updates (every package manager but Docker, which has its own table). */
@customElement('rf-host-updates')
export class RfHostUpdates extends LitElement {
  static override styles = [shared, pageStyles];
  @property({ attribute: false }) updates: PackageUpdate[] = [];

  override render() {
    if (this.updates.length === 0) return html`<p class="muted">Nothing pending.</p>`;
    return html`<table aria-label="Pending updates of this host">
      <thead>
        <tr>
          <th scope="col">Package</th>
          <th scope="col">Manager</th>
          <th scope="col" class="hide-narrow">Installed</th>
          <th scope="col">Available</th>
          <th scope="col">Severity</th>
          <th scope="col">Status</th>
        </tr>
      </thead>
      <tbody>
        ${this.updates.map(
          (u) =>
            html`<tr>
              <td>${u.name}${u.security ? html` <span class="badge">security</span>` : nothing}</td>
              <td>${u.plugin}</td>
              <td class="hide-narrow">${u.currentVersion ?? ''}</td>
              <td>${u.availableVersion ?? ''}</td>
              <td><span class="badge sev sev-${u.severity}">${u.severity}</span></td>
              <td>${u.status.replace(/_/g, ' ')}</td>
            </tr>`,
        )}
      </tbody>
    </table>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rf-host-updates': RfHostUpdates;
  }
}
