import { Routes } from '@lit-labs/router';
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { captureWindowErrors, createContext, type RfContext } from '../data/context.js';
import { linkedPage } from '../data/linked-page.js';
import { StoreController } from '../data/store.js';
import { PAGES } from '../pages.js';
import { shared, theme } from '../styles/theme.js';
import './rf-connection-status.js';
import './rf-login-page.js';
import './rf-nav.js';
import './rf-setup-page.js';
import './rf-toasts.js';

/**
 * The full panel: builds the context (or takes one given as `.ctx`), finds out whether setup or
 * sign-in is needed, then shows the navigation and the page the hash names.
 */
@customElement('rf-app')
export class RfApp extends LitElement {
  static override styles = [
    theme,
    shared,
    css`
      :host {
        display: block;
        min-height: 100vh;
        background: var(--rf-background);
      }
      .skip {
        position: absolute;
        left: -999px;
      }
      .skip:focus {
        left: 8px;
        top: 8px;
        z-index: 10;
        background: var(--rf-surface);
        padding: 8px;
      }
      header {
        display: flex;
        align-items: center;
        gap: 12px;
        padding: 8px 16px;
        background: var(--rf-surface);
        border-bottom: 1px solid var(--rf-divider);
      }
      header .brand {
        font-weight: 700;
        font-size: 1.1rem;
        margin-right: auto;
      }
      .layout {
        display: grid;
        grid-template-columns: 200px 1fr;
        min-height: calc(100vh - 50px);
      }
      main {
        padding: 16px;
        min-width: 0;
      }
      /* Home Assistant's narrow mode starts below 870px. */
      @media (max-width: 870px) {
        .layout {
          grid-template-columns: minmax(0, 1fr);
          grid-template-rows: auto 1fr;
        }
        main {
          padding: 12px 8px;
        }
      }
    `,
  ];

  /** Given by an embedder (tests, another shell); built from the window otherwise. */
  @property({ attribute: false }) ctx: RfContext | null = null;
  @state() private _ready = false;
  private _session: StoreController<RfContext['session']['state']['value']> | null = null;
  private _location: StoreController<RfContext['location']['current']['value']> | null = null;
  private _routes = new Routes(
    this,
    PAGES.map((page) => ({ path: page.path, render: (params) => page.render(this.ctx!, params) })),
    {
      fallback: {
        render: () =>
          html`<h1>Not found</h1>
            <p>No page at this address. <a href="#/">Dashboard</a></p>`,
      },
    },
  );

  private _wired = false;

  override connectedCallback(): void {
    super.connectedCallback();
    if (this._wired) return;
    this._wired = true;
    if (!this.ctx) {
      this.ctx = createContext(window);
      captureWindowErrors(window, this.ctx);
    }
    const ctx = this.ctx;
    const linked = linkedPage(window);
    if (linked) ctx.location.replace(linked);
    this._session = new StoreController(this, ctx.session.state);
    this._location = new StoreController(this, ctx.location.current);
    ctx.location.current.subscribe((loc) => void this._routes.goto(loc.path));
    ctx.session.state.subscribe((s) => (s.kind === 'signed-in' ? ctx.live.start() : ctx.live.stop()));
    void this._routes.goto(ctx.location.current.value.path).then(() => (this._ready = true));
    ctx.session.load().catch(() => ctx.session.state.set({ kind: 'signed-out' }));
    void ctx.reporter.flush();
  }

  override render() {
    const ctx = this.ctx!;
    const session = this._session!.value;
    if (session.kind === 'loading') return html`<p class="muted" role="status">Loading…</p>`;
    if (session.kind === 'setup-required')
      return html`<rf-setup-page .ctx=${ctx}></rf-setup-page><rf-toasts .toasts=${ctx.toasts}></rf-toasts>`;
    if (session.kind === 'signed-out')
      return html`<rf-login-page .ctx=${ctx}></rf-login-page><rf-toasts .toasts=${ctx.toasts}></rf-toasts>`;
    const path = this._location!.value.path;
    return html`
      <a class="skip" href="#main" @click=${this._skip}>Skip to content</a>
      <header>
        <span class="brand">RedFlag</span>
        <rf-connection-status .live=${ctx.live}></rf-connection-status>
        <span class="muted">${session.session.user.username} (${session.session.user.role})</span>
        ${
          session.session.kind === 'session'
            ? html`<button @click=${() => void ctx.session.logout()}>Sign out</button>`
            : nothing
        }
      </header>
      <div class="layout">
        <rf-nav .ctx=${ctx} .path=${path}></rf-nav>
        <main id="main" tabindex="-1">${this._ready ? this._routes.outlet() : nothing}</main>
      </div>
      <rf-toasts .toasts=${ctx.toasts}></rf-toasts>
    `;
  }

  /** The fragment is the router's; move focus to the content instead of navigating. */
  private _skip(ev: Event): void {
    ev.preventDefault();
    this.renderRoot.querySelector<HTMLElement>('main')?.focus();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rf-app': RfApp;
  }
}
