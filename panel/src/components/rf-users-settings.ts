import { html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Role, User } from '../data/api-types.js';
import type { RfContext } from '../data/context.js';
import { FormController, type FormErrors, formText } from '../data/form-controller.js';
import { ListController } from '../data/list-controller.js';
import { pageStyles } from '../styles/pages.js';
import { shared } from '../styles/theme.js';
import { formError, formField, inputField, invalid } from './rf-form-field.js';

export const ROLES: readonly Role[] = ['viewer', 'operator', 'admin'];

/**
 * Users and their roles; admins add users and change roles here (Home Assistant users, `ha:<name>`,
 * arrive as viewers through ingress and are promoted here).
 */
@customElement('rf-users-settings')
export class RfUsersSettings extends LitElement {
  static override styles = [shared, pageStyles];
  @property({ attribute: false }) ctx!: RfContext;
  private _users = new ListController(this, () => this.ctx.api.users.list());
  private _form = new FormController(this);

  private _add(ev: SubmitEvent): Promise<void> {
    return this._form.submit(ev, {
      // The password rules are the core's: its validation answer lands next to the field.
      check: (data): FormErrors => (formText(data, 'username') ? {} : { username: 'A username is needed' }),
      send: async (data) => {
        const password = String(data.get('password') ?? '');
        const role = String(data.get('role')) as Role;
        const user = await this.ctx.api.users.create({
          username: formText(data, 'username'),
          password,
          role,
        });
        this.ctx.toasts.show(`User ${user.username} added`, 'info');
        await this._users.reload();
      },
    });
  }

  private async _setRole(u: User, ev: Event): Promise<void> {
    const select = ev.target as HTMLSelectElement;
    const role = select.value as Role;
    try {
      await this.ctx.api.users.setRole(u.id, role);
      this.ctx.toasts.show(`${u.username} is now ${role}`, 'info');
    } catch {
      select.value = u.role; // a toast already says why (the last admin, say)
    }
    await this._users.reload();
  }

  override render() {
    const e = this._form.errors;
    const users = this._users.items;
    return html`<section class="card table-wrap" aria-label="Users">
      <h2>Users</h2>
      ${
        users === null
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
                ${users.map(
                  (u) =>
                    html`<tr>
                      <th scope="row">
                        ${u.username}${u.disabled ? html` <span class="muted">(disabled)</span>` : nothing}
                      </th>
                      <td>
                        <select
                          aria-label=${`Role of ${u.username}`}
                          .value=${u.role}
                          @change=${(ev: Event) => void this._setRole(u, ev)}
                        >
                          ${ROLES.map((r) => html`<option value=${r} ?selected=${r === u.role}>${r}</option>`)}
                        </select>
                      </td>
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
        ${inputField('u-username', 'Username', 'username', e.username, { autocomplete: 'off', maxlength: 64 })}
        ${inputField('u-password', 'Password', 'password', e.password, {
          type: 'password',
          autocomplete: 'new-password',
        })}
        ${formField(
          'u-role',
          'Role',
          html`<select id="u-role" name="role" aria-invalid=${invalid(e.role)}>
            ${ROLES.map((r) => html`<option value=${r}>${r}</option>`)}
          </select>`,
          e.role,
        )}
        <button class="primary" ?disabled=${this._form.busy}>Add user</button>
      </form>
      ${formError(e)}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rf-users-settings': RfUsersSettings;
  }
}
