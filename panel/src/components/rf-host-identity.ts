import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Agent, IdentityConflict } from '../data/api-types.js';
import type { RfContext } from '../data/context.js';
import { pageStyles } from '../styles/pages.js';
import { shared } from '../styles/theme.js';
import { HostChangedEvent } from './rf-host-actions.js';

/**
 * A host whose identity is in use on another machine (issue 21 §5): what happened, that it is
 * refused at connect, and for admins the Rebind that lets the next host to connect bind it.
 * Renders nothing for a host without a conflict.
 */
@customElement('rf-host-identity')
export class RfHostIdentity extends LitElement {
  static override styles = [
    shared,
    pageStyles,
    css`
      section.card {
        border-left: 4px solid var(--rf-error);
        margin-bottom: 16px;
      }
    `,
  ];
  @property({ attribute: false }) ctx!: RfContext;
  @property({ attribute: false }) agent!: Agent;
  @state() private _busy = false;

  private async _rebind(): Promise<void> {
    const a = this.agent;
    this._busy = true;
    try {
      await this.ctx.api.agents.rebind(a.id);
      this.ctx.toasts.show(`${a.hostname} may connect again; the first host to connect binds it`, 'info');
      this.dispatchEvent(new HostChangedEvent());
    } catch {
      // the API client showed a toast and reported it
    } finally {
      this._busy = false;
    }
  }

  override render() {
    const conflict = this.agent.identityConflict;
    if (!conflict || this.agent.status === 'revoked') return nothing;
    return html`<section class="card" role="alert" aria-label="Needs attention">
      <h2 class="error">Needs attention: identity in use on another host</h2>
      <p>${describe(conflict)}</p>
      <p>
        This host is refused at connect, and sends nothing, until an admin rebinds it. Stop or re-enrol the
        copy first: after a rebind, the first host to connect with this identity is bound to it.
      </p>
      ${
        this.ctx.session.can('admin')
          ? html`<div class="actions">
              <button class="primary" ?disabled=${this._busy} @click=${() => void this._rebind()}>
                Rebind
              </button>
            </div>`
          : nothing
      }
    </section>`;
  }
}

function describe(c: IdentityConflict): string {
  const when = new Date(c.detectedAt).toLocaleString();
  const from = c.addresses.length ? ` from ${c.addresses.join(', ')}` : '';
  return c.kind === 'machine_id_mismatch'
    ? `On ${when} it said hello${from} from machine ${c.presentedMachine ?? '?'}…, but it is bound to machine ${c.registeredMachine ?? '?'}… (a cloned container or VM?).`
    : `On ${when}, ${c.takeovers ?? 'several'} connections${from} kept taking over each other's session: two hosts share this identity.`;
}

declare global {
  interface HTMLElementTagNameMap {
    'rf-host-identity': RfHostIdentity;
  }
}
