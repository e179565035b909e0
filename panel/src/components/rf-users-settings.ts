import { html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Role, User } from '../data/api-types.js';
import type { RfContext } from '../data/context.js';
import { fieldErrors } from '../data/field-errors.js';
import { pageStyles } from '../styles/pages.js';
import { shared } from '../styles/theme.js';
import { formField, invalid } from './rf-form-field.js';

export const ROLES: readonly Role[] = ['viewer', 'operator', 'admin'];

/** Users and their roles; admins add users here (the API has no role change yet). */
@customElement('rf-users-settings')
export class RfUsersSettings extends LitElement {
  static override styles = [shared, pageStyles];
  @property({ attribute: false }) ctx!: RfContext;
  @state() private _users: User[] | null = null;
  @state() private _errors: Record<string, string> = {};
  @state() private _busy = false;

  override connectedCallback(): void {
    super.connectedCallback();
    void this._load();
  }

  private async _load(): Promise<void> {
    try {
      this._users = await this.ctx.api.users.list();
    } catch {
      this._users ??= [];
    }
  }

  private async _add(ev: SubmitEvent): Promise<void> {
    ev.preventDefault();
    const form = ev.target as HTMLFormElement;
    const data = new FormData(form);
    const username = String(data.get('username') ?? '').trim();
    const password = String(data.get('password') ?? '');
    const role = String(data.get('role')) as Role;
    const errors: Record<string, string> = {};
    if (!username) errors.username = 'A username is needed';
    // The password rules are the core's: its validation answer lands next to the field.
    this._errors = errors;
    if (Object.keys(errors).length) return;
    this._busy = true;
    try {
      const user = await this.ctx.api.users.create({ username, password, role });
      this.ctx.toasts.show(`User ${user.username} added`, 'info');
      form.reset();
      await this._load();
    } catch (err) {
      this._errors = fieldErrors(err);
    } finally {
      this._busy = false;
    }
  }

  override render() {
    const e = this._errors;
    const describedBy = (id: string) => (e[id] ? `u-${id}-error` : nothing);
    return html`<section class="card table-wrap" aria-label="Users">
      <h2>Users</h2>
      ${
        this._users === null
          ? html`<p class="muted" role="status">Loading…</p>`
          : html`<table aria-label="Users">
              <thead>
                <tr>
                  <th scope="col">Username</th>
                  <th scope="col">Role</th>
                  <th scope="col" class="hide-narrow">Last sign-in</th>
                </tr>
              </thead>
              <tbody>
                ${this._users.map(
                  (u) =>
                    html`<tr>
                      <th scope="row">
                        ${u.username}${u.disabled ? html` <span class="muted">(disabled)</span>` : nothing}
                      </th>
                      <td>${u.role}</td>
                      <td class="hide-narrow">
                        ${u.lastLoginAt ? new Date(u.lastLoginAt).toLocaleString() : 'never'}
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
      <h3>Add a user</h3>
      <form class="fields" novalidate @submit=${this._add}>
        ${formField(
          'u-username',
          'Username',
          html`<input
            id="u-username"
            name="username"
            autocomplete="off"
            maxlength="64"
            aria-invalid=${invalid(e.username)}
            aria-describedby=${describedBy('username')}
          />`,
          e.username,
        )}
        ${formField(
          'u-password',
          'Password',
          html`<input
            id="u-password"
            name="password"
            type="password"
            autocomplete="new-password"
            aria-invalid=${invalid(e.password)}
            aria-describedby=${describedBy('password')}
          />`,
          e.password,
        )}
        ${formField(
          'u-role',
          'Role',
          html`<select id="u-role" name="role" aria-invalid=${invalid(e.role)}>
            ${ROLES.map((r) => html`<option value=${r}>${r}</option>`)}
          </select>`,
          e.role,
        )}
        <button class="primary" ?disabled=${this._busy}>Add user</button>
      </form>
      ${e[''] ? html`<p class="error" role="alert">${e['']}</p>` : nothing}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rf-users-settings': RfUsersSettings;
  }
}
