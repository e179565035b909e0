import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Agent, BulkAnswer, PackageUpdate, Refusal, UpdateSort } from '../data/api-types.js';
import type { RfContext } from '../data/context.js';
import { StoreController } from '../data/store.js';
import { UpdatePages } from '../data/update-pages.js';
import {
  NO_SELECTION,
  type Selection,
  selectMatching,
  setShown,
  shownState,
  targetOf,
  toggleRow,
  withoutDone,
} from '../data/update-selection.js';
import {
  filterKey,
  filterOf,
  queryFromView,
  toggleSort,
  type UpdateView,
  viewFromQuery,
} from '../data/update-view.js';
import { pageStyles } from '../styles/pages.js';
import { shared } from '../styles/theme.js';
import type { BulkAction } from './rf-bulk-bar.js';
import './rf-bulk-bar.js';
import type { DialogOutcome } from './rf-install-dialog.js';
import './rf-install-dialog.js';
import './rf-updates-filters.js';
import './rf-updates-pager.js';
import './rf-updates-table.js';

const DONE: Record<BulkAction, string> = { approve: 'Approved', ignore: 'Set aside', install: 'Installing' };

/**
 * Every update of the fleet in one table (issue 9 §1): filters and sort in the address, keyset
 * pages, multi-select with bulk approve / ignore / install, the install dialog for updates
 * waiting on a person, and live changes applied without losing the selection or the scroll.
 */
@customElement('rf-updates-page')
export class RfUpdatesPage extends LitElement {
  static override styles = [
    shared,
    pageStyles,
    css`
      .result {
        margin-bottom: 8px;
      }
      .result ul {
        margin: 4px 0 0;
        padding-left: 20px;
      }
      .result .head {
        display: flex;
        gap: 8px;
        align-items: start;
        justify-content: space-between;
      }
    `,
  ];

  @property({ attribute: false }) ctx!: RfContext;
  @state() private _selection: Selection = NO_SELECTION;
  @state() private _agents: Agent[] = [];
  @state() private _busy = false;
  @state() private _result: { message: string; refused: Refusal[] } | null = null;
  @state() private _review: PackageUpdate | null = null;
  /** The live stream's mark when the dialog opened: its answer must not undo later events. */
  private _reviewSince = Infinity;
  private _pages: UpdatePages | null = null;
  private _state!: StoreController<UpdatePages['state']['value']>;
  private _location!: StoreController<RfContext['location']['current']['value']>;
  private _shownFilter: string | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    this._pages ??= new UpdatePages({ api: this.ctx.api, live: this.ctx.live });
    this._state ??= new StoreController(this, this._pages.state);
    this._location ??= new StoreController(this, this.ctx.location.current);
    this._pages.start();
  }

  /** The hosts for the filter, once the first rows are on screen (they come first). */
  private _loadAgents(): void {
    void this.ctx.api.agents.list({ limit: 5000 }).then(
      (a) => (this._agents = a),
      () => {},
    );
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this._pages?.stop();
  }

  private _viewFor: { query: string; view: UpdateView } | null = null;

  /** The view of the address; the same object while the address is the same, so children skip re-rendering. */
  private get _view(): UpdateView {
    const query = this._location.value.query.toString();
    if (this._viewFor?.query !== query)
      this._viewFor = { query, view: viewFromQuery(this._location.value.query) };
    return this._viewFor.view;
  }

  override willUpdate(): void {
    const view = this._view;
    const key = filterKey(view);
    // Another filter selects other rows: what was ticked for the old one does not carry over.
    if (this._shownFilter !== null && key !== this._shownFilter) this._selection = NO_SELECTION;
    const first = this._shownFilter === null;
    this._shownFilter = key;
    const shown = this._pages!.show(view);
    if (first) void shown.then(() => this._loadAgents());
  }

  private _setView(change: Partial<UpdateView>): void {
    this.ctx.location.replaceQuery(queryFromView({ ...this._view, ...change }));
  }

  override render() {
    const s = this._state.value;
    const view = this._view;
    const canAct = this.ctx.session.can('operator');
    const rows = s.rows ?? [];
    const ids = rows.map((r) => r.id);
    return html`<h1>Updates</h1>
      <rf-updates-filters
        .view=${view}
        .agents=${this._agents}
        @rf-view-change=${(e: CustomEvent<Partial<UpdateView>>) => this._setView(e.detail)}
      ></rf-updates-filters>
      ${this._resultCard()}
      ${
        canAct
          ? html`<rf-bulk-bar
              .selection=${this._selection}
              .shown=${rows.length}
              ?allShownSelected=${shownState(this._selection, ids) === 'all'}
              .matching=${s.count}
              ?busy=${this._busy}
              @rf-bulk=${(e: CustomEvent<BulkAction>) => void this._bulk(e.detail)}
              @rf-select-matching=${() => this._selectMatching()}
              @rf-clear-selection=${() => (this._selection = NO_SELECTION)}
            ></rf-bulk-bar>`
          : nothing
      }
      ${s.error ? html`<p class="error" role="alert">${s.error}</p>` : nothing}
      <rf-updates-pager
        .page=${s.page}
        .firstRow=${this._pages!.firstRowNumber}
        .rows=${rows.length}
        .total=${s.count}
        ?hasNext=${s.hasNext}
        .limit=${view.limit}
        ?loading=${s.loading}
        @rf-page=${(e: CustomEvent<'first' | 'previous' | 'next'>) => void this._page(e.detail)}
        @rf-view-change=${(e: CustomEvent<Partial<UpdateView>>) => this._setView(e.detail)}
      ></rf-updates-pager>
      ${
        s.rows === null
          ? html`<p class="muted" role="status">Loading updates…</p>`
          : html`<div class="card table-wrap" aria-busy=${s.loading ? 'true' : 'false'}>
              <rf-updates-table
                .rows=${rows}
                .view=${view}
                .selection=${this._selection}
                .location=${this.ctx.location}
                ?canAct=${canAct}
                @rf-sort=${(e: CustomEvent<UpdateSort>) => this._setView(toggleSort(view, e.detail))}
                @rf-toggle-row=${(e: CustomEvent<string>) => (this._selection = toggleRow(this._selection, e.detail, ids))}
                @rf-toggle-shown=${(e: CustomEvent<boolean>) => (this._selection = setShown(this._selection, ids, e.detail))}
                @rf-review=${(e: CustomEvent<PackageUpdate>) => this._openReview(e.detail)}
              ></rf-updates-table>
              ${rows.length === 0 && !s.loading ? html`<p class="muted">No updates match.</p>` : nothing}
            </div>`
      }
      <rf-install-dialog
        .ctx=${this.ctx}
        .item=${this._review}
        @rf-dialog-done=${(e: CustomEvent<DialogOutcome>) => this._dialogDone(e.detail)}
      ></rf-install-dialog>`;
  }

  private _resultCard() {
    const r = this._result;
    if (!r) return nothing;
    return html`<section class="card result" aria-label="Result">
      <div class="head">
        <p role="status" style="margin: 0">${r.message}</p>
        <button @click=${() => (this._result = null)}>Dismiss</button>
      </div>
      ${
        r.refused.length
          ? html`<ul aria-label="Refused">
              ${r.refused.slice(0, 20).map((x) => html`<li>${x.ref.name || x.id}: ${x.why}</li>`)}
              ${r.refused.length > 20 ? html`<li>… and ${r.refused.length - 20} more</li>` : nothing}
            </ul>`
          : nothing
      }
    </section>`;
  }

  private async _page(where: 'first' | 'previous' | 'next'): Promise<void> {
    const pages = this._pages!;
    await (where === 'next'
      ? pages.nextPage()
      : where === 'previous'
        ? pages.previousPage()
        : pages.firstPage());
  }

  private _selectMatching(): void {
    const view = this._view;
    const count = this._state.value.count;
    if (count === null) return;
    this._selection = selectMatching(filterOf(view), filterKey(view), count);
  }

  private async _bulk(action: BulkAction): Promise<void> {
    const target = targetOf(this._selection);
    if (!target) return;
    this._busy = true;
    const since = this._pages!.mark();
    try {
      const answer: BulkAnswer = await this.ctx.api.updates[action](target);
      const moved =
        action === 'approve' ? answer.approved : action === 'ignore' ? answer.ignored : answer.installing;
      const done = [...(moved ?? []), ...(action === 'install' ? (answer.approved ?? []) : [])];
      const ids = done.map((m) => m.id).filter((id): id is string => !!id);
      this._pages!.setStatus(
        (moved ?? []).map((m) => m.id).filter((id): id is string => !!id),
        action === 'approve' ? 'approved' : action === 'ignore' ? 'ignored' : 'installing',
        since,
      );
      if (action === 'install')
        this._pages!.setStatus(
          (answer.approved ?? []).map((m) => m.id).filter((id): id is string => !!id),
          'approved',
          since,
        );
      const installNote =
        action === 'install' && answer.approved?.length
          ? ` (${answer.approved.length} approved first, for a dry run)`
          : '';
      this._result = {
        message: `${DONE[action]} ${done.length}${installNote}.${answer.refused.length ? ` ${answer.refused.length} refused:` : ''}`,
        refused: answer.refused,
      };
      this._selection = withoutDone(this._selection, ids, answer.refused.length === 0);
      // Not every move is on the live stream (ignores are not): read the page and the count again.
      void this._pages!.refresh();
    } catch {
      // the API client showed a toast (too_many_packages says to narrow the filter)
    } finally {
      this._busy = false;
    }
  }

  private _openReview(update: PackageUpdate): void {
    this._reviewSince = this._pages!.mark();
    this._review = update;
  }

  private _dialogDone(d: DialogOutcome): void {
    this._review = null;
    const since = this._reviewSince;
    // The whole set waiting on that host and package manager moved together.
    const waitingThere = () =>
      (this._state.value.rows ?? [])
        .filter(
          (r) =>
            r.agentId === d.update.agentId &&
            r.plugin === d.update.plugin &&
            r.status === 'pending_dependencies',
        )
        .map((r) => r.id);
    if (d.outcome === 'confirmed') {
      this._pages!.setStatus(waitingThere(), 'installing', since);
      this.ctx.toasts.show(
        `Installing ${d.update.plugin} updates on ${d.update.hostname ?? d.update.agentId}`,
        'info',
      );
    } else if (d.outcome === 'rejected') {
      this._pages!.setStatus(waitingThere(), 'pending', since);
      this.ctx.toasts.show(
        `Rejected: the ${d.update.plugin} updates on ${d.update.hostname ?? d.update.agentId} are pending again`,
        'info',
      );
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rf-updates-page': RfUpdatesPage;
  }
}
