import { html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { RfContext } from '../data/context.js';
import { shared } from '../styles/theme.js';
import { authFormStyles } from '../styles/auth-form.js';

/** Sign in with a username and password (a session cookie and its CSRF token). */
@customElement('rf-login-page')
export class RfLoginPage extends LitElement {
  static override styles = [shared, authFormStyles];

  @property({ attribute: false }) ctx!: RfContext;
  @state() private _error: string | null = null;
  @state() private _busy = false;

  override render() {
    return html`<main class="card">
      <h1>Sign in to RedFlag</h1>
      <form @submit=${this._submit}>
        <label>Username <input name="username" required autocomplete="username" /></label>
        <label
          >Password <input name="password" type="password" required autocomplete="current-password"
        /></label>
        ${this._error ? html`<p class="error" role="alert">${this._error}</p>` : nothing}
        <button class="primary" ?disabled=${this._busy}>Sign in</button>
      </form>
    </main>`;
  }

  private async _submit(ev: SubmitEvent): Promise<void> {
    ev.preventDefault();
    const data = new FormData(ev.target as HTMLFormElement);
    this._busy = true;
    this._error = null;
    try {
      await this.ctx.session.login(String(data.get('username')), String(data.get('password')));
    } catch (err) {
      this._error = (err as Error).message;
    } finally {
      this._busy = false;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rf-login-page': RfLoginPage;
  }
}
