import { css, html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { type Selection, selectedCount } from '../data/update-selection.js';
import { shared } from '../styles/theme.js';

export type BulkAction = 'approve' | 'ignore' | 'install';

/** The core refuses a bulk action on more (core/updates/bulk-actions.ts MAX_BULK_PACKAGES). */
export const MAX_BULK = 10_000;

const n = (x: number) => x.toLocaleString('en');

/**
 * What is selected and what can be done with it: approve, ignore, install; "select all N
 * matching" once the whole page is ticked. Says what was asked (`rf-bulk`, `rf-select-matching`,
 * `rf-clear-selection`); the page carries it out.
 */
@customElement('rf-bulk-bar')
export class RfBulkBar extends LitElement {
  static override styles = [
    shared,
    css`
      .bar {
        display: flex;
        flex-wrap: wrap;
        gap: 8px;
        align-items: center;
        padding: 8px 12px;
        margin-bottom: 8px;
        border: 1px solid var(--rf-divider);
        border-radius: 8px;
        background: color-mix(in srgb, var(--rf-primary) 6%, var(--rf-surface));
      }
      .summary {
        margin-right: auto;
      }
      button.link {
        border: none;
        background: none;
        color: var(--rf-primary);
        text-decoration: underline;
        padding: 0 4px;
        min-height: 0;
      }
    `,
  ];

  @property({ attribute: false }) selection!: Selection;
  /** Rows on the page shown, and whether each of them is ticked. */
  @property({ type: Number }) shown = 0;
  @property({ type: Boolean }) allShownSelected = false;
  /** Packages matching the filter; null while counting. */
  @property({ attribute: false }) matching: number | null = null;
  @property({ type: Boolean }) busy = false;

  private _emit(name: string, detail?: unknown): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }

  override render() {
    const count = selectedCount(this.selection);
    if (count === 0) return nothing;
    const all = this.selection.kind === 'matching';
    const tooMany = count > MAX_BULK;
    const offerAll = !all && this.allShownSelected && this.matching !== null && this.matching > this.shown;
    return html`<div class="bar" role="region" aria-label="Selection">
      <span class="summary" role="status">
        ${all ? `All ${n(count)} matching updates selected.` : `${n(count)} selected.`}
        ${
          offerAll
            ? html`<button class="link" @click=${() => this._emit('rf-select-matching')}>
                Select all ${n(this.matching!)} matching
              </button>`
            : nothing
        }
        ${tooMany ? html`<span class="error">At most ${n(MAX_BULK)} at once: narrow the filter.</span>` : nothing}
      </span>
      ${(['approve', 'ignore', 'install'] as const).map(
        (action) =>
          html`<button
            class=${action === 'approve' ? 'primary' : ''}
            ?disabled=${this.busy || tooMany}
            @click=${() => this._emit('rf-bulk', action)}
          >
            ${action[0]!.toUpperCase() + action.slice(1)} ${n(count)}
          </button>`,
      )}
      <button ?disabled=${this.busy} @click=${() => this._emit('rf-clear-selection')}>Clear selection</button>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rf-bulk-bar': RfBulkBar;
  }
}
