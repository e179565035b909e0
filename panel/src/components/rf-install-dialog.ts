import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { PackageDetail, PackageUpdate, TransactionItem } from '../data/api-types.js';
import type { RfContext } from '../data/context.js';
import { shared } from '../styles/theme.js';

/** How the dialog ended, sent up as `rf-dialog-done`. */
export interface DialogOutcome {
  update: PackageUpdate;
  outcome: 'confirmed' | 'rejected' | 'cancelled';
}

const FOCUSABLE =
  'button:not([disabled]), [href], input:not([disabled]), select, [tabindex]:not([tabindex="-1"])';

const version = (i: TransactionItem) =>
  i.fromVersion && i.toVersion ? `${i.fromVersion} → ${i.toVersion}` : (i.toVersion ?? i.fromVersion ?? '');

/**
 * The install dialog (DESIGN.md §3.7): the dry run's transaction of one host and package
 * manager, with what goes beyond the approval (new dependencies, removals, other upgrades)
 * marked, and Confirm (the install carries that transaction) or Reject (back to pending). A modal
 * <dialog>: the page behind is inert, Tab stays inside, Escape cancels, focus returns to the
 * button that opened it.
 */
@customElement('rf-install-dialog')
export class RfInstallDialog extends LitElement {
  static override styles = [
    shared,
    css`
      dialog {
        max-width: min(640px, calc(100vw - 24px));
        width: 100%;
        box-sizing: border-box;
        border: 1px solid var(--rf-divider);
        border-radius: var(--rf-radius);
        background: var(--rf-surface);
        color: var(--rf-text);
        padding: 20px;
      }
      dialog::backdrop {
        background: rgb(0 0 0 / 45%);
      }
      ul {
        list-style: none;
        padding: 0;
        margin: 0 0 12px;
      }
      li {
        padding: 4px 8px;
        border-radius: 6px;
        margin: 2px 0;
        display: flex;
        gap: 8px;
        flex-wrap: wrap;
        overflow-wrap: anywhere;
      }
      li .v {
        font-family: var(--rf-mono);
        font-size: 0.85rem;
        color: var(--rf-text-secondary);
      }
      .tag {
        font-size: 0.75rem;
        font-weight: 700;
        border-radius: 999px;
        padding: 0 8px;
        color: #fff;
        align-self: center;
      }
      li.new {
        background: color-mix(in srgb, var(--rf-info) 14%, transparent);
      }
      li.new .tag {
        background: #0b5f8a;
      }
      li.removal {
        background: color-mix(in srgb, var(--rf-error) 14%, transparent);
      }
      li.removal .tag {
        background: #a31515;
      }
      li.extra .tag {
        background: #7a5a00;
      }
      h3 {
        font-size: 0.95rem;
        margin: 12px 0 4px;
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: 8px;
        justify-content: end;
        margin-top: 16px;
      }
      .warnings li {
        color: var(--rf-warning);
      }
    `,
  ];

  @property({ attribute: false }) ctx!: RfContext;
  /** The row whose transaction to show; null closes the dialog. (`update` is LitElement's.) */
  @property({ attribute: false }) item: PackageUpdate | null = null;
  @state() private _detail: PackageDetail | null = null;
  @state() private _error: string | null = null;
  @state() private _busy = false;
  @query('dialog') private _dialog!: HTMLDialogElement;
  private _opener: HTMLElement | null = null;
  private _outcome: DialogOutcome | null = null;

  protected override updated(changed: PropertyValues<this>): void {
    if (!changed.has('item')) return;
    if (this.item && !this._dialog.open) {
      this._opener = deepActiveElement();
      this._outcome = null;
      this._detail = null;
      this._error = null;
      this._dialog.showModal();
      void this._load(this.item);
    } else if (!this.item && this._dialog.open) this._dialog.close();
  }

  private async _load(update: PackageUpdate): Promise<void> {
    try {
      const detail = await this.ctx.api.updates.detail(update.id);
      if (this.item?.id === update.id) this._detail = detail;
    } catch (err) {
      this._error = (err as Error).message;
    }
  }

  private async _confirm(): Promise<void> {
    const update = this.item!;
    const reviewed = this._detail?.dryRunCommandId ?? null;
    this._busy = true;
    try {
      // Exactly the transaction shown: a newer one waiting is refused (409), not installed unseen.
      await this.ctx.api.updates.confirm(update.agentId, update.plugin, reviewed);
      this._finish({ update, outcome: 'confirmed' });
    } catch (err) {
      // the API client showed a toast; the dialog stays for another try or Cancel
      this._error = (err as Error).message;
    } finally {
      this._busy = false;
    }
  }

  private async _reject(): Promise<void> {
    const update = this.item!;
    this._busy = true;
    try {
      await this.ctx.api.updates.reject(update.agentId, update.plugin);
      this._finish({ update, outcome: 'rejected' });
    } catch {
      // shown by the API client (409 when someone else decided first)
    } finally {
      this._busy = false;
    }
  }

  private _finish(outcome: DialogOutcome): void {
    this._outcome = outcome;
    this._dialog.close();
  }

  /** Escape or Cancel: the dialog closes; `close` tells the page. */
  private _onClose(): void {
    const update = this.item;
    this._opener?.focus();
    this._opener = null;
    if (!update) return;
    const outcome = this._outcome ?? { update, outcome: 'cancelled' as const };
    this.dispatchEvent(new CustomEvent('rf-dialog-done', { detail: outcome, bubbles: true, composed: true }));
  }

  private _onCancel(e: Event): void {
    if (this._busy) e.preventDefault(); // a decision is on its way; let it finish
  }

  /** Tab and Shift+Tab go round the dialog's own controls. */
  private _trapTab(e: KeyboardEvent): void {
    if (e.key !== 'Tab') return;
    const items = [...this._dialog.querySelectorAll<HTMLElement>(FOCUSABLE)];
    if (items.length === 0) return;
    const first = items[0]!;
    const last = items[items.length - 1]!;
    const active = (this.renderRoot as ShadowRoot).activeElement;
    if (e.shiftKey && (active === first || !this._dialog.contains(active))) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && (active === last || !this._dialog.contains(active))) {
      e.preventDefault();
      first.focus();
    }
  }

  override render() {
    const u = this.item;
    const host = u?.hostname ?? u?.agentId ?? '';
    return html`<dialog
      aria-labelledby="install-title"
      aria-describedby="install-summary"
      @close=${this._onClose}
      @cancel=${this._onCancel}
      @keydown=${this._trapTab}
    >
      <h2 id="install-title">Confirm the ${u?.plugin ?? ''} install on ${host}</h2>
      ${u ? this._body(u) : nothing}
    </dialog>`;
  }

  private _body(u: PackageUpdate) {
    const d = this._detail;
    const error = this._error ? html`<p class="error" role="alert">${this._error}</p>` : nothing;
    const cancel = html`<button autofocus ?disabled=${this._busy} @click=${() => this._dialog.close()}>
      Cancel
    </button>`;
    if (!d)
      return html`<p id="install-summary" class="muted" role="status">
          ${this._error ? 'Could not load the transaction.' : 'Loading the dry run…'}
        </p>
        ${error}
        <div class="actions">${cancel}</div>`;
    const t = d.transaction;
    if (!t)
      return html`<p id="install-summary">
          Nothing waits for confirmation for ${u.name} now: it is ${d.status.replace(/_/g, ' ')}.
        </p>
        ${error}
        <div class="actions">${cancel}</div>`;
    const extras = t.extras ?? {};
    const extraUpgrades = extras.upgrades ?? [];
    const extraNames = new Set(extraUpgrades.map((x) => `${x.name}\u0000${x.arch ?? ''}`));
    const approved = (t.upgrades ?? []).filter((x) => !extraNames.has(`${x.name}\u0000${x.arch ?? ''}`));
    const added = t.newPackages ?? [];
    const removed = t.removals ?? [];
    const parts = [
      added.length ? `${added.length} new package${added.length === 1 ? '' : 's'}` : '',
      removed.length ? `${removed.length} removal${removed.length === 1 ? '' : 's'}` : '',
      extraUpgrades.length
        ? `${extraUpgrades.length} more upgrade${extraUpgrades.length === 1 ? '' : 's'}`
        : '',
    ].filter(Boolean);
    return html`<p id="install-summary">
        The dry run on ${u.hostname ?? u.agentId} wants more than was approved:
        ${parts.join(', ') || 'changes'}. Confirm installs all of it as shown; Reject puts the approved
        updates back to pending.
      </p>
      ${this._list('New packages (dependencies)', added, 'new', 'new')}
      ${this._list('Removals', removed, 'removal', 'removed')}
      ${this._list('Other upgrades it brings', extraUpgrades, 'extra', 'extra')}
      ${this._list('Approved upgrades', approved, '', '')}
      ${
        t.warnings?.length
          ? html`<h3>Warnings</h3>
              <ul class="warnings" aria-label="Warnings">
                ${t.warnings.map((w) => html`<li>${w}</li>`)}
              </ul>`
          : nothing
      }
      ${error}
      <div class="actions">
        <button class="primary" ?disabled=${this._busy} @click=${() => void this._confirm()}>
          Confirm and install
        </button>
        <button ?disabled=${this._busy} @click=${() => void this._reject()}>Reject</button>
        ${cancel}
      </div>`;
  }

  private _list(title: string, items: readonly TransactionItem[], cls: string, tag: string) {
    if (!items.length) return nothing;
    return html`<h3>${title} (${items.length})</h3>
      <ul aria-label=${title}>
        ${items.map(
          (i) =>
            html`<li class=${cls}>
              ${tag ? html`<span class="tag">${tag}</span>` : nothing}
              <span>${i.name}${i.arch ? `:${i.arch}` : ''}</span>
              <span class="v">${version(i)}</span>
            </li>`,
        )}
      </ul>`;
  }
}

/** The focused element, through open shadow roots (to give focus back on close). */
function deepActiveElement(): HTMLElement | null {
  let el: Element | null = document.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  return el instanceof HTMLElement ? el : null;
}

declare global {
  interface HTMLElementTagNameMap {
    'rf-install-dialog': RfInstallDialog;
  }
}
