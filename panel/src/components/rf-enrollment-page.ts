import { html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { CreatedRegistrationToken, RegistrationToken } from '../data/api-types.js';
import type { RfContext } from '../data/context.js';
import { FormController, type FormErrors, formText } from '../data/form-controller.js';
import { ListController } from '../data/list-controller.js';
import { pageStyles } from '../styles/pages.js';
import { shared } from '../styles/theme.js';
import './rf-copy-button.js';
import { formError, inputField } from './rf-form-field.js';

const STATE_TEXT: Record<RegistrationToken['state'], string> = {
  usable: 'usable',
  used_up: 'all seats used',
  expired: 'expired',
  revoked: 'revoked',
};

/** Registration tokens: create one (token and install line shown once), seats used, expiry, revoke. */
@customElement('rf-enrollment-page')
export class RfEnrollmentPage extends LitElement {
  static override styles = [shared, pageStyles];
  @property({ attribute: false }) ctx!: RfContext;
  @state() private _created: CreatedRegistrationToken | null = null;
  private _tokens = new ListController(this, () => this.ctx.api.registrationTokens.list(), {
    live: () => this.ctx.live,
    // A registration uses a seat: the core records it as an enrollment event.
    when: (ev) => (ev.kind === 'system.event' && ev.data.type === 'enrollment') || ev.kind === 'agent.online',
    minMs: 250,
  });
  private _form = new FormController(this);

  private _create(ev: SubmitEvent): Promise<void> {
    return this._form.submit(ev, {
      check: (data) => {
        const errors: FormErrors = {};
        const seats = Number(data.get('seats'));
        if (!formText(data, 'label')) errors.label = 'A label says what the token is for';
        if (!Number.isInteger(seats) || seats < 1 || seats > 10000) errors.seats = 'From 1 to 10,000 agents';
        if (!/^\d{1,6}[mhdw]$/.test(formText(data, 'expires'))) errors.expires = 'Like 30m, 12h, 7d or 2w';
        return errors;
      },
      send: async (data) => {
        this._created = await this.ctx.api.registrationTokens.create({
          label: formText(data, 'label'),
          seats: Number(data.get('seats')),
          expires: formText(data, 'expires'),
        });
        await this._tokens.reload();
      },
    });
  }

  private async _revoke(t: RegistrationToken): Promise<void> {
    try {
      await this.ctx.api.registrationTokens.revoke(t.id);
      this.ctx.toasts.show(`Token "${t.label}" revoked`, 'info');
    } catch {
      // shown as a toast by the API client
    }
    await this._tokens.reload();
  }

  override render() {
    const e = this._form.errors;
    const tokens = this._tokens.items;
    return html`<h1>Enrollment</h1>
      <section class="card" aria-label="New registration token">
        <h2>New registration token</h2>
        <form class="fields" novalidate @submit=${this._create}>
          ${inputField('r-label', 'Label', 'label', e.label, { maxlength: 200 })}
          ${inputField('r-seats', 'Seats', 'seats', e.seats, { type: 'number', min: 1, max: 10000, value: '1' })}
          ${inputField('r-expires', 'Expires after', 'expires', e.expires, { value: '24h' })}
          <button class="primary" ?disabled=${this._form.busy}>Create token</button>
        </form>
        ${formError(e)} ${this._created ? this._shown(this._created) : nothing}
      </section>
      <section class="card table-wrap" aria-label="Registration tokens">
        <h2>Registration tokens</h2>
        ${
          tokens === null
            ? html`<p class="muted" role="status">Loading…</p>`
            : tokens.length === 0
              ? html`<p class="muted">No registration tokens yet.</p>`
              : this._table(tokens)
        }
      </section>`;
  }

  private _shown(c: CreatedRegistrationToken) {
    return html`<div role="region" aria-label="New token" style="margin-top: 12px">
      <p>
        <strong>Shown once.</strong> Run this on the host to enrol (${c.registrationToken.seatsTotal}
        seat${c.registrationToken.seatsTotal === 1 ? '' : 's'}):
      </p>
      <code class="secret" aria-label="Install command">${c.install}</code>
      <rf-copy-button .text=${c.install} what="install command"></rf-copy-button>
      <p class="muted">Token: <code>${c.token}</code></p>
      <button type="button" @click=${() => (this._created = null)}>Done, hide it</button>
    </div>`;
  }

  private _table(tokens: RegistrationToken[]) {
    return html`<table aria-label="Registration tokens">
      <thead>
        <tr>
          <th scope="col">Label</th>
          <th scope="col">State</th>
          <th scope="col">Seats used</th>
          <th scope="col" class="hide-narrow">Expires</th>
          <th scope="col" class="hide-narrow">Last used</th>
          <th scope="col"><span class="visually-hidden">Actions</span></th>
        </tr>
      </thead>
      <tbody>
        ${tokens.map(
          (t) =>
            html`<tr>
              <th scope="row">${t.label}</th>
              <td>${STATE_TEXT[t.state]}</td>
              <td>${t.seatsUsed} of ${t.seatsTotal}</td>
              <td class="hide-narrow">
                <time datetime=${t.expiresAt}>${new Date(t.expiresAt).toLocaleString()}</time>
              </td>
              <td class="hide-narrow">
                ${t.uses?.lastUsedAt ? new Date(t.uses.lastUsedAt).toLocaleString() : 'never'}
              </td>
              <td>
                ${
                  t.state === 'revoked'
                    ? nothing
                    : html`<button @click=${() => void this._revoke(t)} aria-label=${`Revoke ${t.label}`}>
                        Revoke
                      </button>`
                }
              </td>
            </tr>`,
        )}
      </tbody>
    </table>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rf-enrollment-page': RfEnrollmentPage;
  }
}
