import { css, html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { PAGE_SIZES } from '../data/update-view.js';
import { shared } from '../styles/theme.js';

const n = (x: number) => x.toLocaleString('en');

/**
 * Where the user is in the list ("Rows 201–300 of 100,000") and the way on: first, previous,
 * next (keyset pages: the page never jumps to a number), and the page size.
 */
@customElement('rf-updates-pager')
export class RfUpdatesPager extends LitElement {
  static override styles = [
    shared,
    css`
      nav {
        display: flex;
        flex-wrap: wrap;
        gap: 8px;
        align-items: center;
        margin: 8px 0;
      }
      .where {
        margin-right: auto;
      }
      label {
        font-size: 0.9rem;
      }
    `,
  ];

  @property({ type: Number }) page = 0;
  @property({ type: Number }) firstRow = 1;
  @property({ type: Number }) rows = 0;
  @property({ attribute: false }) total: number | null = null;
  @property({ type: Boolean }) hasNext = false;
  @property({ type: Number }) limit = 100;
  @property({ type: Boolean }) loading = false;

  private _emit(name: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }

  override render() {
    const last = this.firstRow + this.rows - 1;
    const of = this.total === null ? '' : ` of ${n(this.total)}`;
    const where =
      this.rows === 0
        ? `No rows${of ? ` (${n(this.total!)} matching)` : ''}`
        : `Rows ${n(this.firstRow)}–${n(last)}${of}`;
    return html`<nav aria-label="Pages of updates">
      <span class="where" role="status" aria-live="polite">${where}${this.loading ? ' (loading…)' : ''}</span>
      <button ?disabled=${this.page === 0} @click=${() => this._emit('rf-page', 'first')}>First page</button>
      <button ?disabled=${this.page === 0} @click=${() => this._emit('rf-page', 'previous')}>Previous</button>
      <button ?disabled=${!this.hasNext} @click=${() => this._emit('rf-page', 'next')}>Next</button>
      <label
        >Rows per page
        <select
          @change=${(e: Event) => this._emit('rf-view-change', { limit: Number((e.target as HTMLSelectElement).value) })}
        >
          ${PAGE_SIZES.map((s) => html`<option value=${s} ?selected=${s === this.limit}>${s}</option>`)}
        </select></label
      >
    </nav>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rf-updates-pager': RfUpdatesPager;
  }
}
