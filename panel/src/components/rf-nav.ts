import { css, html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { RfContext } from '../data/context.js';
import { PAGES } from '../pages.js';
import { shared } from '../styles/theme.js';

/** The page links: a sidebar on wide screens, a scrolling row of tabs at phone width. */
@customElement('rf-nav')
export class RfNav extends LitElement {
  static override styles = [
    shared,
    css`
      nav {
        background: var(--rf-surface);
        border-right: 1px solid var(--rf-divider);
        height: 100%;
        padding: 8px;
        box-sizing: border-box;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        display: flex;
        flex-direction: column;
        gap: 2px;
      }
      a {
        display: block;
        padding: 10px 12px;
        border-radius: 8px;
        color: var(--rf-text);
        text-decoration: none;
        white-space: nowrap;
      }
      a:hover {
        background: color-mix(in srgb, var(--rf-primary) 8%, transparent);
      }
      a[aria-current='page'] {
        background: color-mix(in srgb, var(--rf-primary) 14%, transparent);
        font-weight: 600;
      }
      @media (max-width: 870px) {
        nav {
          border-right: none;
          border-bottom: 1px solid var(--rf-divider);
          padding: 4px;
          overflow-x: auto;
        }
        ul {
          flex-direction: row;
        }
      }
    `,
  ];

  @property({ attribute: false }) ctx!: RfContext;
  /** The current path, to mark the current page. */
  @property() path = '/';

  override render() {
    const pages = PAGES.filter((p) => p.label && (!p.role || this.ctx.session.can(p.role)));
    return html`<nav aria-label="Main">
      <ul>
        ${pages.map(
          (p) =>
            html`<li>
              <a
                href=${this.ctx.location.href(p.path)}
                aria-current=${this._current(p.path) ? 'page' : 'false'}
                >${p.label}</a
              >
            </li>`,
        )}
      </ul>
    </nav>`;
  }

  private _current(path: string): boolean {
    return path === '/' ? this.path === '/' : this.path === path || this.path.startsWith(`${path}/`);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rf-nav': RfNav;
  }
}
