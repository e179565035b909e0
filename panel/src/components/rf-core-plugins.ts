import { html, LitElement } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { CorePlugin } from '../data/api-types.js';
import type { RfContext } from '../data/context.js';
import { refreshOnLive } from '../data/refresh-on-live.js';
import { pageStyles } from '../styles/pages.js';
import { shared } from '../styles/theme.js';

/**
 * Settings → core plugins (issue 22 §4): the integration and notifier plugins config.yaml
 * enables, with their version, state and last error. Read again when a plugin event is recorded.
 */
@customElement('rf-core-plugins')
export class RfCorePlugins extends LitElement {
  static override styles = [shared, pageStyles];
  @property({ attribute: false }) ctx!: RfContext;
  @state() private _plugins: CorePlugin[] | null = null;
  private _stop: (() => void) | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    this._stop = refreshOnLive(
      this.ctx.live,
      (ev) => ev.kind === 'system.event' && ev.data.type === 'plugin',
      () => void this._load(),
      500,
    );
    void this._load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this._stop?.();
  }

  private async _load(): Promise<void> {
    try {
      this._plugins = await this.ctx.api.plugins.list();
    } catch {
      this._plugins ??= [];
    }
  }

  override render() {
    const plugins = this._plugins;
    return html`<section class="card" aria-label="Core plugins">
      <h2>Core plugins</h2>
      <p class="muted">
        Integration and notifier plugins, enabled in config.yaml (<code>plugins.enabled</code>).
      </p>
      ${
        plugins === null
          ? html`<p class="muted" role="status">Loading…</p>`
          : plugins.length === 0
            ? html`<p class="muted">No integration or notifier plugin is enabled.</p>`
            : html`<table aria-label="Core plugins">
                <thead>
                  <tr>
                    <th scope="col">Plugin</th>
                    <th scope="col">Kind</th>
                    <th scope="col">Version</th>
                    <th scope="col">State</th>
                    <th scope="col">Last error</th>
                  </tr>
                </thead>
                <tbody>
                  ${plugins.map(
                    (p) =>
                      html`<tr>
                        <td>${p.name}</td>
                        <td>${p.kind ?? '—'}</td>
                        <td>${p.version ?? '—'}</td>
                        <td>${p.state}</td>
                        <td class="muted">${p.lastError ?? ''}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>`
      }
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rf-core-plugins': RfCorePlugins;
  }
}
