import { html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { RfContext } from '../data/context.js';
import { FormController, messageOf } from '../data/form-controller.js';
import { shared } from '../styles/theme.js';
import { authFormStyles } from '../styles/auth-form.js';
import { formError } from './rf-form-field.js';

/** Sign in with a username and password (a session cookie and its CSRF token). */
@customElement('rf-login-page')
export class RfLoginPage extends LitElement {
  static override styles = [shared, authFormStyles];

  @property({ attribute: false }) ctx!: RfContext;
  private _form = new FormController(this, messageOf);

  override render() {
    return html`<main class="card">
      <h1>Sign in to RedFlag</h1>
      <form @submit=${this._submit}>
        <label>Username <input name="username" required autocomplete="username" /></label>
        <label
          >Password <input name="password" type="password" required autocomplete="current-password"
        /></label>
        ${formError(this._form.errors)}
        <button class="primary" ?disabled=${this._form.busy}>Sign in</button>
      </form>
    </main>`;
  }

  private _submit(ev: SubmitEvent): Promise<void> {
    return this._form.submit(ev, {
      send: (data) => this.ctx.session.login(String(data.get('username')), String(data.get('password'))),
    });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rf-login-page': RfLoginPage;
  }
}
