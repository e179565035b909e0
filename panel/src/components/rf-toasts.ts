import { css, html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { StoreController } from '../data/store.js';
import type { Toasts } from '../data/toasts.js';
import { shared } from '../styles/theme.js';

const SHOWN_MS = 8000;

/** Tells the user what failed: a polite live region, each toast dismissable and gone after a while. */
@customElement('rf-toasts')
export class RfToasts extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        position: fixed;
        right: 16px;
        bottom: 16px;
        z-index: 100;
        max-width: min(420px, calc(100vw - 32px));
      }
      .toast {
        display: flex;
        gap: 8px;
        align-items: start;
        margin-top: 8px;
        padding: 10px 12px;
        background: var(--rf-surface);
        border: 1px solid var(--rf-divider);
        border-left: 4px solid var(--rf-info);
        border-radius: 8px;
        box-shadow: 0 2px 8px rgb(0 0 0 / 20%);
        overflow-wrap: anywhere;
      }
      .toast.error {
        border-left-color: var(--rf-error);
      }
      .toast span {
        flex: 1;
      }
    `,
  ];

  @property({ attribute: false }) toasts!: Toasts;
  private _items: StoreController<Toasts['items']['value']> | null = null;
  private readonly _timers = new Map<number, ReturnType<typeof setTimeout>>();

  override connectedCallback(): void {
    super.connectedCallback();
    this._items ??= new StoreController(this, this.toasts.items);
  }

  override render() {
    const items = this._items?.value ?? [];
    for (const t of items)
      if (!this._timers.has(t.id))
        this._timers.set(
          t.id,
          setTimeout(() => this.toasts.dismiss(t.id), SHOWN_MS),
        );
    return html`<div role="status" aria-live="polite">
      ${items.map(
        (t) =>
          html`<div class="toast ${t.kind}" data-kind=${t.kind}>
            <span>${t.message}</span>
            <button aria-label="Dismiss" @click=${() => this.toasts.dismiss(t.id)}>×</button>
          </div>`,
      )}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rf-toasts': RfToasts;
  }
}
