import { html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { RfContext } from '../data/context.js';
import { FormController, messageOf } from '../data/form-controller.js';
import { shared } from '../styles/theme.js';
import { authFormStyles } from '../styles/auth-form.js';
import { formError } from './rf-form-field.js';

/**
 * First run: create the first admin with the one-time setup token. The core's setup link is
 * `<panel>/#/setup?token=…`: the token stays in the URL fragment, so no server log or Referer
 * header ever sees it, and it is dropped from the address bar once used.
 */
@customElement('rf-setup-page')
export class RfSetupPage extends LitElement {
  static override styles = [shared, authFormStyles];

  @property({ attribute: false }) ctx!: RfContext;
  private _form = new FormController(this, messageOf);

  override render() {
    const token = this.ctx.location.current.value.query.get('token') ?? '';
    return html`<main class="card">
      <h1>Welcome to RedFlag</h1>
      <p class="muted">Create the first administrator.</p>
      <form @submit=${this._submit}>
        ${
          token
            ? html`<input type="hidden" name="token" .value=${token} />`
            : html`<label
                >Setup token <input name="token" required autocomplete="off" aria-describedby="token-help" />
                <span id="token-help" class="muted"
                  >Printed in the core's log at its first start.</span
                ></label
              >`
        }
        <label>Username <input name="username" required maxlength="64" autocomplete="username" /></label>
        <label
          >Password
          <input name="password" type="password" required minlength="8" autocomplete="new-password" />
        </label>
        ${formError(this._form.errors)}
        <button class="primary" ?disabled=${this._form.busy}>Create admin</button>
      </form>
    </main>`;
  }

  private _submit(ev: SubmitEvent): Promise<void> {
    return this._form.submit(ev, {
      send: async (data) => {
        await this.ctx.session.setup(
          String(data.get('token')),
          String(data.get('username')),
          String(data.get('password')),
        );
        this.ctx.location.replaceQuery({}); // forget the used token
        this.ctx.location.go('/');
      },
    });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rf-setup-page': RfSetupPage;
  }
}
