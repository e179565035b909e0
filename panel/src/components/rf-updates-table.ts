import { css, html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { PackageUpdate, UpdateSort } from '../data/api-types.js';
import type { HashLocation } from '../data/hash-location.js';
import { isSelected, type Selection, shownState } from '../data/update-selection.js';
import { ariaSort, STATUS_LABELS, type UpdateView } from '../data/update-view.js';
import { narrowCards } from '../styles/narrow-cards.js';
import { pageStyles } from '../styles/pages.js';
import { NARROW_MAX_WIDTH, shared } from '../styles/theme.js';
import './rf-severity-badge.js';

/** One formatter for every row (toLocaleDateString builds one per call). */
const DAY = new Intl.DateTimeFormat(undefined, { dateStyle: 'short' });

const COLUMNS: Array<{ sort: UpdateSort; label: string }> = [
  { sort: 'name', label: 'Package' },
  { sort: 'host', label: 'Host' },
];

/**
 * The rows of one page: sortable headers (aria-sort), a checkbox per row and one for the page,
 * severity badges, the status, and "Review…" on updates waiting for a person. It renders and
 * says what was clicked (`rf-sort`, `rf-toggle-row`, `rf-toggle-shown`, `rf-review`); the page
 * decides. Rows are keyed by id, so a live patch redraws a cell, not the table.
 */
@customElement('rf-updates-table')
export class RfUpdatesTable extends LitElement {
  static override styles = [
    shared,
    pageStyles,
    narrowCards,
    css`
      th button.sort {
        font: inherit;
        font-weight: 600;
        color: inherit;
        border: none;
        background: none;
        padding: 0;
        min-height: 0;
        cursor: pointer;
        white-space: nowrap;
      }
      th.check,
      td.check {
        width: 1.5rem;
      }
      input[type='checkbox'] {
        min-height: 0;
        width: 1.1rem;
        height: 1.1rem;
        margin: 0;
      }
      tr.selected {
        background: color-mix(in srgb, var(--rf-primary) 7%, transparent);
      }
      .status-failed {
        color: var(--rf-error);
        font-weight: 600;
      }
      .status-pending_dependencies {
        color: var(--rf-warning);
        font-weight: 600;
      }
      .status-updated {
        color: var(--rf-success);
      }
      button.review {
        margin-left: 4px;
        padding: 2px 8px;
        min-height: 0;
      }
      .version {
        font-family: var(--rf-mono);
        font-size: 0.85rem;
        overflow-wrap: break-word;
      }
      td.name {
        overflow-wrap: break-word;
      }
      /* A phone (Home Assistant's app): one card per update, versions and actions on screen. */
      @media (max-width: ${NARROW_MAX_WIDTH}px) {
        thead th.wide-only {
          display: none;
        }
        tbody tr {
          grid-template-columns: minmax(0, 1fr) auto;
          grid-template-areas:
            'name severity'
            'host plugin'
            'current current'
            'available available'
            'status status';
        }
        table.acts tbody tr {
          grid-template-columns: auto minmax(0, 1fr) auto;
          grid-template-areas:
            'check name severity'
            'check host plugin'
            'check current current'
            'check available available'
            'check status status';
        }
        td.check {
          grid-area: check;
          width: auto;
          align-self: start;
          padding-top: 2px;
        }
        td.name {
          grid-area: name;
          font-weight: 600;
        }
        td.host {
          grid-area: host;
        }
        td.plugin {
          grid-area: plugin;
          color: var(--rf-text-secondary);
        }
        td.severity {
          grid-area: severity;
        }
        td.current {
          grid-area: current;
          color: var(--rf-text-secondary);
        }
        td.available {
          grid-area: available;
          font-weight: 600;
        }
        td.available::before {
          content: '→ ';
          font-weight: normal;
        }
        td.status {
          grid-area: status;
        }
      }
    `,
  ];

  @property({ attribute: false }) rows: readonly PackageUpdate[] = [];
  @property({ attribute: false }) view!: UpdateView;
  @property({ attribute: false }) selection!: Selection;
  @property({ attribute: false }) location!: HashLocation;
  /** Operators and admins get checkboxes and "Review…". */
  @property({ type: Boolean }) canAct = false;

  private _emit(name: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }

  private _sortHeader(sort: UpdateSort, label: string, cls = '') {
    const state = ariaSort(this.view, sort);
    const arrow = state === 'ascending' ? '▲' : state === 'descending' ? '▼' : '';
    return html`<th scope="col" class=${cls} aria-sort=${state}>
      <button class="sort" @click=${() => this._emit('rf-sort', sort)}>
        ${label}<span aria-hidden="true"> ${arrow}</span>
      </button>
    </th>`;
  }

  override render() {
    const ids = this.rows.map((r) => r.id);
    const shown = shownState(this.selection, ids);
    return html`<table aria-label="Updates" class=${this.canAct ? 'cards acts' : 'cards'}>
      <thead class="keep">
        <tr>
          ${
            this.canAct
              ? html`<th scope="col" class="check">
                  <input
                    type="checkbox"
                    aria-label="Select every update on this page"
                    .checked=${shown === 'all'}
                    .indeterminate=${shown === 'some'}
                    ?disabled=${ids.length === 0}
                    @change=${(e: Event) => this._emit('rf-toggle-shown', (e.target as HTMLInputElement).checked)}
                  />
                </th>`
              : nothing
          }
          ${COLUMNS.map((c) => this._sortHeader(c.sort, c.label))}
          <th scope="col" class="wide-only">Manager</th>
          <th scope="col" class="wide-only">Installed</th>
          <th scope="col" class="wide-only">Available</th>
          ${this._sortHeader('severity', 'Severity')}
          <th scope="col" class="wide-only">Status</th>
          ${this._sortHeader('firstSeen', 'First seen', 'hide-narrow')}
        </tr>
      </thead>
      <tbody>
        ${repeat(
          this.rows,
          (r) => r.id,
          (r) => this._row(r),
        )}
      </tbody>
    </table>`;
  }

  private _row(r: PackageUpdate) {
    const selected = this.canAct && isSelected(this.selection, r.id);
    const host = r.hostname ?? r.agentId;
    return html`<tr class=${selected ? 'selected' : ''} data-id=${r.id}>
      ${
        this.canAct
          ? html`<td class="check">
              <input
                type="checkbox"
                aria-label=${`Select ${r.name} on ${host}`}
                .checked=${selected}
                @change=${() => this._emit('rf-toggle-row', r.id)}
              />
            </td>`
          : nothing
      }
      <td class="name">${r.name}${r.security ? html` <span class="badge">security</span>` : nothing}</td>
      <td class="host"><a href=${this.location.href(`/hosts/${r.agentId}`)}>${host}</a></td>
      <td class="plugin">${r.plugin}</td>
      <td class="current version">${r.currentVersion ?? ''}</td>
      <td class="available version">${r.availableVersion ?? ''}</td>
      <td class="severity"><rf-severity-badge .severity=${r.severity}></rf-severity-badge></td>
      <td class="status">
        <span class="status-${r.status}">${STATUS_LABELS[r.status] ?? r.status}</span>${
          this.canAct && r.status === 'pending_dependencies'
            ? html`<button
                class="review"
                aria-label=${`Review dependencies of ${r.name} on ${host}`}
                @click=${() => this._emit('rf-review', r)}
              >
                Review…
              </button>`
            : nothing
        }
      </td>
      <td class="hide-narrow">
        ${r.firstSeenAt ? html`<time datetime=${r.firstSeenAt}>${DAY.format(new Date(r.firstSeenAt))}</time>` : ''}
      </td>
    </tr>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rf-updates-table': RfUpdatesTable;
  }
}
