import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Agent, PackageUpdate } from '../data/api-types.js';
import type { RfContext } from '../data/context.js';
import { packageManagersOf } from '../data/hosts.js';
import { pageStyles } from '../styles/pages.js';
import { shared } from '../styles/theme.js';

/** Told to the host page after an action, so it reads the host again. */
export class HostChangedEvent extends Event {
  constructor() {
    super('host-changed', { bubbles: true, composed: true });
  }
}

/**
 * A host's actions: scan now per package manager, install approved, reboot; for admins update
 * the agent and revoke (after a confirmation). Each issues a command that the page's command
 * list shows with its progress as it runs.
 */
@customElement('rf-host-actions')
export class RfHostActions extends LitElement {
  static override styles = [
    shared,
    pageStyles,
    css`
      section.card {
        margin-top: 16px;
      }
    `,
  ];
  @property({ attribute: false }) ctx!: RfContext;
  @property({ attribute: false }) agent!: Agent;
  /** The host's approved updates: what "Install approved" installs. */
  @property({ attribute: false }) approved: PackageUpdate[] = [];
  @state() private _busy = false;
  @state() private _confirmRevoke = false;

  private async _run(action: () => Promise<unknown>, done: string): Promise<void> {
    this._busy = true;
    try {
      await action();
      this.ctx.toasts.show(done, 'info');
      this.dispatchEvent(new HostChangedEvent());
    } catch {
      // the API client showed a toast and reported it
    } finally {
      this._busy = false;
    }
  }

  override render() {
    const { ctx, agent: a } = this;
    if (!ctx.session.can('operator') || a.status === 'revoked') return nothing;
    const busy = this._busy;
    const approved = this.approved;
    const issue =
      (type: string, params: Record<string, unknown> = {}) =>
      () =>
        ctx.api.commands.issue(a.id, type, params);
    const below = 'its progress is under Commands';
    return html`<section class="card" aria-label="Actions">
      <h2>Actions</h2>
      <div class="actions">
        ${packageManagersOf(a).map(
          (plugin) =>
            html`<button
              ?disabled=${busy}
              @click=${() => void this._run(issue('scan', { plugin }), `Scan of ${plugin} queued; ${below}`)}
            >
              Scan ${plugin} now
            </button>`,
        )}
        <button
          ?disabled=${busy || approved.length === 0}
          @click=${() =>
            void this._run(
              () => ctx.api.updates.install(approved),
              `Install of ${approved.length} approved updates started (a dry run first); ${below}`,
            )}
        >
          Install approved (${approved.length})
        </button>
        <button ?disabled=${busy} @click=${() => void this._run(issue('reboot'), `Reboot queued; ${below}`)}>
          Reboot
        </button>
        ${
          ctx.session.can('admin')
            ? html`<button
                  ?disabled=${busy}
                  @click=${() =>
                    void this._run(() => ctx.api.agents.updateAgent(a.id), `Agent update queued; ${below}`)}
                >
                  Update agent
                </button>
                <button
                  ?disabled=${busy}
                  aria-expanded=${this._confirmRevoke ? 'true' : 'false'}
                  @click=${() => (this._confirmRevoke = true)}
                >
                  Revoke…
                </button>`
            : nothing
        }
      </div>
      ${this._confirmRevoke ? this._revokeDialog() : nothing}
    </section>`;
  }

  private _revokeDialog() {
    const a = this.agent;
    return html`<div role="alertdialog" aria-label="Confirm revoke" class="card" style="margin-top: 12px">
      <p>
        Revoke <strong>${a.hostname}</strong>? It is disconnected at once and can only come back by
        registering again.
      </p>
      <div class="actions">
        <button
          class="primary"
          @click=${() => {
            this._confirmRevoke = false;
            void this._run(() => this.ctx.api.agents.revoke(a.id), `${a.hostname} revoked`);
          }}
        >
          Revoke ${a.hostname}
        </button>
        <button @click=${() => (this._confirmRevoke = false)}>Cancel</button>
      </div>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rf-host-actions': RfHostActions;
  }
}
