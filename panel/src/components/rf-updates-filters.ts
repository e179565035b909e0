import { css, html, LitElement, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { type Agent, PACKAGE_STATUSES, SEVERITIES } from '../data/api-types.js';
import { debounce } from '../data/debounce.js';
import { packageManagersOf } from '../data/hosts.js';
import { KNOWN_PLUGINS, STATUS_LABELS, type UpdateView } from '../data/update-view.js';
import { pageStyles } from '../styles/pages.js';
import { NARROW_MAX_WIDTH, shared } from '../styles/theme.js';

/** Sent up when the user changes a filter: the fields that changed. */
export type ViewChangeEvent = CustomEvent<Partial<UpdateView>>;

const SEARCH_PAUSE_MS = 300;

interface Choice {
  value: string;
  label: string;
}

/** How many filters differ from the default view (the folded button says so). */
export function activeFilters(v: UpdateView): number {
  return [
    v.q !== '',
    v.agent.length > 0,
    v.plugin.length > 0,
    v.severity.length > 0,
    v.status !== 'open',
    v.security !== null,
    v.label !== '',
  ].filter(Boolean).length;
}

/**
 * The updates list's filters: host, package manager, severity, status, security, label and a
 * free-text search sent once typing pauses. It only says what changed (`rf-view-change`);
 * the page puts it in the address. On a narrow screen they fold behind one "Filters" button
 * (with the number of active ones), so the updates themselves are on the first screen.
 */
@customElement('rf-updates-filters')
export class RfUpdatesFilters extends LitElement {
  static override styles = [
    shared,
    pageStyles,
    css`
      .toolbar select {
        max-width: 14rem;
      }
      input[type='search'] {
        min-width: 14rem;
      }
      button.fold {
        display: none;
      }
      @media (max-width: ${NARROW_MAX_WIDTH}px) {
        button.fold {
          display: inline-block;
          margin-bottom: 12px;
        }
        button.fold[aria-expanded='true'] {
          margin-bottom: 8px;
        }
        form.toolbar:not(.open) {
          display: none;
        }
        form.toolbar {
          display: grid;
          grid-template-columns: repeat(2, minmax(0, 1fr));
        }
        form.toolbar label:first-child {
          grid-column: 1 / -1;
        }
        .toolbar select,
        input[type='search'] {
          min-width: 0;
          max-width: none;
          width: 100%;
        }
      }
    `,
  ];

  @property({ attribute: false }) view!: UpdateView;
  @property({ attribute: false }) agents: readonly Agent[] = [];
  /** Unfolded on a narrow screen (wide screens always show them). */
  @state() private _open = false;

  private readonly _search = debounce((q: string) => this._change({ q }), SEARCH_PAUSE_MS);

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this._search.flush();
  }

  private _change(change: Partial<UpdateView>): void {
    this.dispatchEvent(new CustomEvent('rf-view-change', { detail: change, bubbles: true, composed: true }));
  }

  override render() {
    const v = this.view;
    const hosts = [...this.agents]
      .sort((a, b) => a.hostname.localeCompare(b.hostname))
      .map((a) => ({ value: a.id, label: a.hostname }));
    const plugins = [...new Set([...KNOWN_PLUGINS, ...this.agents.flatMap(packageManagersOf), ...v.plugin])]
      .sort()
      .map((p) => ({ value: p, label: p }));
    const labels = [
      ...new Set([...this.agents.flatMap((a) => a.labels ?? []), ...(v.label ? [v.label] : [])]),
    ]
      .sort()
      .map((l) => ({ value: l, label: l }));
    const status = Array.isArray(v.status) ? v.status.join(',') : v.status;
    const active = activeFilters(v);
    return html`<button
        class="fold"
        aria-expanded=${this._open ? 'true' : 'false'}
        aria-controls="filters"
        @click=${() => (this._open = !this._open)}
      >
        Filters${active ? ` (${active} active)` : ''}
      </button>
      <form
        id="filters"
        class=${this._open ? 'toolbar open' : 'toolbar'}
        role="search"
        aria-label="Filter updates"
        @submit=${this._submit}
      >
        <label
          >Search
          <input
            type="search"
            name="q"
            placeholder="package name"
            .value=${v.q}
            @input=${(e: Event) => this._search((e.target as HTMLInputElement).value)}
            @keydown=${(e: KeyboardEvent) => (e.key === 'Enter' ? this._search.flush() : undefined)}
        /></label>
        ${this._select('Host', v.agent.join(','), [{ value: '', label: 'any' }, ...hosts], (value) => ({
          agent: value ? value.split(',') : [],
        }))}
        ${this._select(
          'Package manager',
          v.plugin.join(','),
          [{ value: '', label: 'any' }, ...plugins],
          (value) => ({ plugin: value ? value.split(',') : [] }),
        )}
        ${this._select(
          'Severity',
          v.severity.join(','),
          [{ value: '', label: 'any' }, ...SEVERITIES.map((s) => ({ value: s, label: s }))],
          (value) => ({ severity: value ? (value.split(',') as UpdateView['severity']) : [] }),
        )}
        ${this._select(
          'Status',
          status,
          [
            { value: 'open', label: 'to do (not closed)' },
            { value: 'any', label: 'any, closed too' },
            ...PACKAGE_STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s] })),
          ],
          (value) => ({
            status: value === 'open' || value === 'any' ? value : (value.split(',') as UpdateView['status']),
          }),
        )}
        ${this._select(
          'Security',
          v.security === null ? '' : String(v.security),
          [
            { value: '', label: 'any' },
            { value: 'true', label: 'security updates' },
            { value: 'false', label: 'not security' },
          ],
          (value) => ({ security: value === '' ? null : value === 'true' }),
        )}
        ${this._select('Label', v.label, [{ value: '', label: 'any' }, ...labels], (value) => ({
          label: value,
        }))}
      </form>`;
  }

  /** A select; a value from the address it does not list (several hosts, say) is shown as it is. */
  private _select(
    label: string,
    current: string,
    choices: Choice[],
    toChange: (value: string) => Partial<UpdateView>,
  ): TemplateResult {
    const all = choices.some((c) => c.value === current)
      ? choices
      : [...choices, { value: current, label: current.split(',').join(', ') }];
    return html`<label
      >${label}
      <select @change=${(e: Event) => this._change(toChange((e.target as HTMLSelectElement).value))}>
        ${all.map((c) => html`<option value=${c.value} ?selected=${c.value === current}>${c.label}</option>`)}
      </select></label
    >`;
  }

  private _submit(e: Event): void {
    e.preventDefault();
    this._search.flush();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rf-updates-filters': RfUpdatesFilters;
  }
}
