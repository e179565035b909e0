import { html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { PackageUpdate } from '../data/api-types.js';
import { dockerImageOf, shortDigest } from '../data/docker.js';
import { pageStyles } from '../styles/pages.js';
import { shared } from '../styles/theme.js';

/** A host's Docker images with an update: which containers run them, versions, digests, status. */
@customElement('rf-docker-images')
export class RfDockerImages extends LitElement {
  static override styles = [shared, pageStyles];
  @property({ attribute: false }) updates: PackageUpdate[] = [];

  override render() {
    const digest = (d: string | null) => (d ? html`<code title=${d}>${shortDigest(d)}</code>` : nothing);
    return html`<table aria-label="Docker image updates">
      <thead>
        <tr>
          <th scope="col">Image</th>
          <th scope="col">Containers</th>
          <th scope="col">Version</th>
          <th scope="col" class="hide-narrow">Local digest</th>
          <th scope="col" class="hide-narrow">Registry digest</th>
          <th scope="col">Status</th>
        </tr>
      </thead>
      <tbody>
        ${this.updates.map((u) => {
          const image = dockerImageOf(u);
          return html`<tr>
            <td>
              ${image.reference}
              ${image.platform ? html`<span class="muted hide-narrow">${image.platform}</span>` : nothing}
            </td>
            <td>
              ${image.containers.length ? image.containers.join(', ') : html`<span class="muted">none</span>`}
            </td>
            <td>
              ${image.currentVersion ?? ''}${image.availableVersion ? ` → ${image.availableVersion}` : ''}
            </td>
            <td class="hide-narrow">${image.localDigests.map((d) => digest(d))}</td>
            <td class="hide-narrow">
              ${digest(image.remoteDigest)}${image.changed ? html` <span class="badge">new image</span>` : nothing}
            </td>
            <td>${u.status.replace(/_/g, ' ')}</td>
          </tr>`;
        })}
      </tbody>
    </table>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rf-docker-images': RfDockerImages;
  }
}
