import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { PluginSettingsEntry } from '../data/api-types.js';
import type { RfContext } from '../data/context.js';
import { fieldErrors } from '../data/field-errors.js';
import { ListController } from '../data/list-controller.js';
import { formatPluginSettings, parsePluginSettings } from '../data/plugin-settings.js';
import { pageStyles } from '../styles/pages.js';
import { shared } from '../styles/theme.js';

/**
 * Settings → plugins (admin): every plugin the agents report, with the settings the core sends
 * it; saving one sends a signed set_config to each host of that plugin (their progress is in
 * Operations). Follows the live stream: another admin's change, a host with a new plugin.
 */
@customElement('rf-plugin-settings')
export class RfPluginSettings extends LitElement {
  static override styles = [
    shared,
    pageStyles,
    css`
      textarea {
        font-family: var(--rf-mono);
        font-size: 0.85rem;
        width: 100%;
        min-height: 6em;
        box-sizing: border-box;
        color: var(--rf-text);
        background: var(--rf-surface);
        border: 1px solid var(--rf-divider);
        border-radius: 6px;
        padding: 6px 8px;
      }
      .plugin + .plugin {
        border-top: 1px solid var(--rf-divider);
        margin-top: 12px;
        padding-top: 12px;
      }
      h3 {
        font-size: 1rem;
        margin: 0 0 4px;
      }
    `,
  ];
  @property({ attribute: false }) ctx!: RfContext;
  // Many hosts coming online at once (a core restart) read the list once.
  private _plugins = new ListController(this, () => this.ctx.api.pluginSettings.list(), {
    live: () => this.ctx.live,
    when: (ev) => (ev.kind === 'system.event' && ev.data.type === 'settings') || ev.kind === 'agent.online',
    minMs: 500,
  });
  @state() private _errors: Record<string, string> = {};
  @state() private _busy: string | null = null;
  /** Text being edited, per plugin; a reload does not overwrite it. */
  private _drafts = new Map<string, string>();

  private async _save(ev: SubmitEvent, p: PluginSettingsEntry): Promise<void> {
    ev.preventDefault();
    const text = this._drafts.get(p.plugin) ?? formatPluginSettings(p.settings);
    const parsed = parsePluginSettings(text);
    if (!parsed.ok) {
      this._errors = { ...this._errors, [p.plugin]: parsed.error };
      return;
    }
    this._errors = { ...this._errors, [p.plugin]: '' };
    this._busy = p.plugin;
    try {
      const changed = await this.ctx.api.pluginSettings.change(p.plugin, parsed.settings);
      this._drafts.delete(p.plugin);
      const n = changed.commands.length;
      this.ctx.toasts.show(
        `Settings of ${p.plugin} saved; sent to ${n} host${n === 1 ? '' : 's'} (progress under Operations)`,
        'info',
      );
      await this._plugins.reload();
    } catch (err) {
      const errors = fieldErrors(err);
      this._errors = { ...this._errors, [p.plugin]: errors.settings ?? Object.values(errors)[0] ?? '' };
    } finally {
      this._busy = null;
    }
  }

  override render() {
    const plugins = this._plugins.items;
    return html`<section class="card" aria-label="Plugin settings">
      <h2>Plugin settings</h2>
      <p class="muted">
        Laid over each host's own config file (<code>plugins.&lt;name&gt;</code>) and checked there against
        the plugin's schema. They are sent signed; viewers can read them in the command history, so no
        secrets.
      </p>
      ${
        plugins === null
          ? html`<p class="muted" role="status">Loading…</p>`
          : plugins.length === 0
            ? html`<p class="muted">No host has reported a plugin yet.</p>`
            : plugins.map((p) => this._plugin(p))
      }
      <p><a href=${this.ctx.location.href('/operations')}>Operations</a> shows the hosts applying them.</p>
    </section>`;
  }

  private _plugin(p: PluginSettingsEntry) {
    const id = `plugin-${p.plugin}`;
    const error = this._errors[p.plugin];
    const value = this._drafts.get(p.plugin) ?? formatPluginSettings(p.settings);
    return html`<form
      class="plugin"
      aria-label=${`Settings of ${p.plugin}`}
      @submit=${(e: SubmitEvent) => void this._save(e, p)}
    >
      <h3>${p.plugin}</h3>
      <p class="muted">
        ${p.kinds.join(', ') || 'not reported by any host'} · ${p.hosts} host${p.hosts === 1 ? '' : 's'}
        ${p.updatedAt ? html` · changed by ${p.updatedBy} ${new Date(p.updatedAt).toLocaleString()}` : nothing}
      </p>
      <label for=${id}>Settings of ${p.plugin} (JSON)</label>
      <textarea
        id=${id}
        spellcheck="false"
        aria-invalid=${error ? 'true' : 'false'}
        aria-describedby=${error ? `${id}-error` : nothing}
        .value=${value}
        @input=${(e: Event) => this._drafts.set(p.plugin, (e.target as HTMLTextAreaElement).value)}
      ></textarea>
      ${error ? html`<p id=${`${id}-error`} class="field-error" role="alert">${error}</p>` : nothing}
      <p>
        <button class="primary" type="submit" ?disabled=${this._busy !== null}>
          Save ${p.plugin} and send to ${p.hosts} host${p.hosts === 1 ? '' : 's'}
        </button>
      </p>
    </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rf-plugin-settings': RfPluginSettings;
  }
}
