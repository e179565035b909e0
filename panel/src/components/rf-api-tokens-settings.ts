import { html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { ApiToken, CreatedApiToken, Role } from '../data/api-types.js';
import type { RfContext } from '../data/context.js';
import { fieldErrors } from '../data/field-errors.js';
import { pageStyles } from '../styles/pages.js';
import { shared } from '../styles/theme.js';
import './rf-copy-button.js';
import { formField, invalid } from './rf-form-field.js';
import { ROLES } from './rf-users-settings.js';

/** API tokens for scripts and dashboards: create (shown once), list, revoke. */
@customElement('rf-api-tokens-settings')
export class RfApiTokensSettings extends LitElement {
  static override styles = [shared, pageStyles];
  @property({ attribute: false }) ctx!: RfContext;
  @state() private _tokens: ApiToken[] | null = null;
  @state() private _created: CreatedApiToken | null = null;
  @state() private _errors: Record<string, string> = {};
  @state() private _busy = false;

  override connectedCallback(): void {
    super.connectedCallback();
    void this._load();
  }

  private async _load(): Promise<void> {
    try {
      this._tokens = await this.ctx.api.apiTokens.list();
    } catch {
      this._tokens ??= [];
    }
  }

  private async _create(ev: SubmitEvent): Promise<void> {
    ev.preventDefault();
    const form = ev.target as HTMLFormElement;
    const data = new FormData(form);
    const name = String(data.get('name') ?? '').trim();
    const role = String(data.get('role')) as Role;
    this._errors = name ? {} : { name: 'A name says who uses it' };
    if (!name) return;
    this._busy = true;
    try {
      this._created = await this.ctx.api.apiTokens.create({ name, role });
      form.reset();
      await this._load();
    } catch (err) {
      this._errors = fieldErrors(err);
    } finally {
      this._busy = false;
    }
  }

  private async _revoke(t: ApiToken): Promise<void> {
    try {
      await this.ctx.api.apiTokens.revoke(t.id);
      this.ctx.toasts.show(`API token "${t.name}" revoked`, 'info');
    } catch {
      // a toast already says why
    }
    await this._load();
  }

  override render() {
    const e = this._errors;
    return html`<section class="card table-wrap" aria-label="API tokens">
      <h2>API tokens</h2>
      ${
        this._tokens === null
          ? html`<p class="muted" role="status">Loading…</p>`
          : this._tokens.length === 0
            ? html`<p class="muted">No API tokens.</p>`
            : html`<table aria-label="API tokens">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Role</th>
                    <th scope="col" class="hide-narrow">Last used</th>
                    <th scope="col"><span class="visually-hidden">Actions</span></th>
                  </tr>
                </thead>
                <tbody>
                  ${this._tokens.map(
                    (t) =>
                      html`<tr>
                        <th scope="row">${t.name}</th>
                        <td>${t.role}</td>
                        <td class="hide-narrow">
                          ${t.lastUsedAt ? new Date(t.lastUsedAt).toLocaleString() : 'never'}
                        </td>
                        <td>
                          ${
                            t.revokedAt
                              ? html`<span class="muted">revoked</span>`
                              : html`<button
                                  @click=${() => void this._revoke(t)}
                                  aria-label=${`Revoke token ${t.name}`}
                                >
                                  Revoke
                                </button>`
                          }
                        </td>
                      </tr>`,
                  )}
                </tbody>
              </table>`
      }
      <h3>New API token</h3>
      <form class="fields" novalidate @submit=${this._create}>
        ${formField(
          't-name',
          'Token name',
          html`<input
            id="t-name"
            name="name"
            autocomplete="off"
            aria-invalid=${invalid(e.name)}
            aria-describedby=${e.name ? 't-name-error' : nothing}
          />`,
          e.name,
        )}
        ${formField(
          't-role',
          'Role',
          html`<select id="t-role" name="role">
            ${ROLES.map((r) => html`<option value=${r}>${r}</option>`)}
          </select>`,
          e.role,
        )}
        <button class="primary" ?disabled=${this._busy}>Create API token</button>
      </form>
      ${e[''] ? html`<p class="error" role="alert">${e['']}</p>` : nothing}
      ${
        this._created
          ? html`<div role="region" aria-label="New API token">
              <p><strong>Shown once:</strong> the token for ${this._created.apiToken.name}.</p>
              <code class="secret" aria-label="API token">${this._created.token}</code>
              <rf-copy-button .text=${this._created.token} what="API token"></rf-copy-button>
              <button type="button" @click=${() => (this._created = null)}>Done, hide it</button>
            </div>`
          : nothing
      }
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rf-api-tokens-settings': RfApiTokensSettings;
  }
}
