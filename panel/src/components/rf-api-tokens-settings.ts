import { html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { ApiToken, CreatedApiToken, Role } from '../data/api-types.js';
import type { RfContext } from '../data/context.js';
import { FormController, type FormErrors, formText } from '../data/form-controller.js';
import { ListController } from '../data/list-controller.js';
import { pageStyles } from '../styles/pages.js';
import { shared } from '../styles/theme.js';
import './rf-copy-button.js';
import { formError, formField, inputField } from './rf-form-field.js';
import { ROLES } from './rf-users-settings.js';

/** API tokens for scripts and dashboards: create (shown once), list, revoke. */
@customElement('rf-api-tokens-settings')
export class RfApiTokensSettings extends LitElement {
  static override styles = [shared, pageStyles];
  @property({ attribute: false }) ctx!: RfContext;
  @state() private _created: CreatedApiToken | null = null;
  private _tokens = new ListController(this, () => this.ctx.api.apiTokens.list());
  private _form = new FormController(this);

  private _create(ev: SubmitEvent): Promise<void> {
    return this._form.submit(ev, {
      check: (data): FormErrors => (formText(data, 'name') ? {} : { name: 'A name says who uses it' }),
      send: async (data) => {
        const role = String(data.get('role')) as Role;
        this._created = await this.ctx.api.apiTokens.create({ name: formText(data, 'name'), role });
        await this._tokens.reload();
      },
    });
  }

  private async _revoke(t: ApiToken): Promise<void> {
    try {
      await this.ctx.api.apiTokens.revoke(t.id);
      this.ctx.toasts.show(`API token "${t.name}" revoked`, 'info');
    } catch {
      // a toast already says why
    }
    await this._tokens.reload();
  }

  override render() {
    const e = this._form.errors;
    const tokens = this._tokens.items;
    return html`<section class="card table-wrap" aria-label="API tokens">
      <h2>API tokens</h2>
      ${
        tokens === null
          ? html`<p class="muted" role="status">Loading…</p>`
          : tokens.length === 0
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
                  ${tokens.map(
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
        ${inputField('t-name', 'Token name', 'name', e.name, { autocomplete: 'off' })}
        ${formField(
          't-role',
          'Role',
          html`<select id="t-role" name="role">
            ${ROLES.map((r) => html`<option value=${r}>${r}</option>`)}
          </select>`,
          e.role,
        )}
        <button class="primary" ?disabled=${this._form.busy}>Create API token</button>
      </form>
      ${formError(e)}
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
