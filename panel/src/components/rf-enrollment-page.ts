import { html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { CreatedRegistrationToken, RegistrationToken } from '../data/api-types.js';
import type { RfContext } from '../data/context.js';
import { fieldErrors } from '../data/field-errors.js';
import { refreshOnLive } from '../data/refresh-on-live.js';
import { pageStyles } from '../styles/pages.js';
import { shared } from '../styles/theme.js';
import './rf-copy-button.js';

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
  @state() private _tokens: RegistrationToken[] | null = null;
  @state() private _created: CreatedRegistrationToken | null = null;
  @state() private _errors: Record<string, string> = {};
  @state() private _busy = false;
  private _stop: (() => void) | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    this._stop = refreshOnLive(
      this.ctx.live,
      // A registration uses a seat: the core records it as an enrollment event.
      (ev) => (ev.kind === 'system.event' && ev.data.type === 'enrollment') || ev.kind === 'agent.online',
      () => void this._load(),
      250,
    );
    void this._load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this._stop?.();
  }

  private async _load(): Promise<void> {
    try {
      this._tokens = await this.ctx.api.registrationTokens.list();
    } catch {
      this._tokens ??= [];
    }
  }

  private async _create(ev: SubmitEvent): Promise<void> {
    ev.preventDefault();
    const form = ev.target as HTMLFormElement;
    const data = new FormData(form);
    const label = String(data.get('label') ?? '').trim();
    const seats = Number(data.get('seats'));
    const expires = String(data.get('expires') ?? '').trim();
    const errors: Record<string, string> = {};
    if (!label) errors.label = 'A label says what the token is for';
    if (!Number.isInteger(seats) || seats < 1 || seats > 10000) errors.seats = 'From 1 to 10,000 agents';
    if (!/^\d{1,6}[mhdw]$/.test(expires)) errors.expires = 'Like 30m, 12h, 7d or 2w';
    this._errors = errors;
    if (Object.keys(errors).length) return;
    this._busy = true;
    try {
      this._created = await this.ctx.api.registrationTokens.create({ label, seats, expires });
      form.reset();
      await this._load();
    } catch (err) {
      this._errors = fieldErrors(err);
    } finally {
      this._busy = false;
    }
  }

  private async _revoke(t: RegistrationToken): Promise<void> {
    try {
      await this.ctx.api.registrationTokens.revoke(t.id);
      this.ctx.toasts.show(`Token "${t.label}" revoked`, 'info');
    } catch {
      // shown as a toast by the API client
    }
    await this._load();
  }

  private _field(name: string, label: string, input: unknown) {
    const err = this._errors[name];
    return html`<label
      >${label} ${input}
      ${err ? html`<span class="field-error" id="${name}-error">${err}</span>` : nothing}</label
    >`;
  }

  override render() {
    const e = this._errors;
    return html`<h1>Enrollment</h1>
      <section class="card" aria-label="New registration token">
        <h2>New registration token</h2>
        <form class="fields" novalidate @submit=${this._create}>
          ${this._field(
            'label',
            'Label',
            html`<input
              name="label"
              maxlength="200"
              aria-invalid=${e.label ? 'true' : 'false'}
              aria-describedby=${e.label ? 'label-error' : nothing}
            />`,
          )}
          ${this._field(
            'seats',
            'Seats',
            html`<input
              name="seats"
              type="number"
              min="1"
              max="10000"
              value="1"
              aria-invalid=${e.seats ? 'true' : 'false'}
              aria-describedby=${e.seats ? 'seats-error' : nothing}
            />`,
          )}
          ${this._field(
            'expires',
            'Expires after',
            html`<input
              name="expires"
              value="24h"
              aria-invalid=${e.expires ? 'true' : 'false'}
              aria-describedby=${e.expires ? 'expires-error' : nothing}
            />`,
          )}
          <button class="primary" ?disabled=${this._busy}>Create token</button>
        </form>
        ${e[''] ? html`<p class="error" role="alert">${e['']}</p>` : nothing}
        ${this._created ? this._shown(this._created) : nothing}
      </section>
      <section class="card table-wrap" aria-label="Registration tokens">
        <h2>Registration tokens</h2>
        ${
          this._tokens === null
            ? html`<p class="muted" role="status">Loading…</p>`
            : this._tokens.length === 0
              ? html`<p class="muted">No registration tokens yet.</p>`
              : this._table(this._tokens)
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
