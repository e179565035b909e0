import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { RfContext } from '../data/context.js';
import { FormController } from '../data/form-controller.js';
import { ListController } from '../data/list-controller.js';
import { pageStyles } from '../styles/pages.js';
import { shared } from '../styles/theme.js';
import { formField, invalid } from './rf-form-field.js';

export interface CollectionField {
  /** The body field the API validates (its errors land here). */
  name: string;
  label: string;
  kind: 'text' | 'number' | 'select' | 'checkboxes';
  options?: Array<[value: string, label: string]>;
  placeholder?: string;
  value?: string;
}

/** What a settings collection (policies, windows, schedules) needs: the API and how to show it. */
export interface CollectionSpec<T extends { id: string; enabled: boolean }> {
  title: string;
  /** One word naming one item, for button names ("Add rule", "Remove rule nightly"). */
  noun: string;
  list(): Promise<T[]>;
  create(form: FormData): Promise<unknown>;
  change(id: string, body: { enabled: boolean }): Promise<unknown>;
  remove(id: string): Promise<unknown>;
  name(item: T): string;
  columns: Array<[label: string, value: (item: T) => string | TemplateResult]>;
  fields: CollectionField[];
  /** Roles that may change it; everyone signed in reads. */
  canChange(ctx: RfContext): boolean;
}

/** A table of items with enable/disable and remove, and a form adding one, errors by field. */
@customElement('rf-collection-settings')
export class RfCollectionSettings extends LitElement {
  static override styles = [shared, pageStyles];
  @property({ attribute: false }) ctx!: RfContext;
  @property({ attribute: false }) spec!: CollectionSpec<{ id: string; enabled: boolean }>;
  private _items = new ListController(this, () => this.spec.list());
  private _form = new FormController(this);

  private async _act(action: () => Promise<unknown>): Promise<void> {
    try {
      await action();
    } catch {
      // the API client showed a toast
    }
    await this._items.reload();
  }

  private _add(ev: SubmitEvent): Promise<void> {
    return this._form.submit(ev, {
      send: async (data) => {
        await this.spec.create(data);
        await this._items.reload();
      },
    });
  }

  override render() {
    const s = this.spec;
    const can = s.canChange(this.ctx);
    const id = (f: CollectionField) => `${s.noun}-${f.name}`;
    const items = this._items.items;
    return html`<section class="card table-wrap" aria-label=${s.title}>
      <h2>${s.title}</h2>
      ${
        items === null
          ? html`<p class="muted" role="status">Loading…</p>`
          : items.length === 0
            ? html`<p class="muted">None yet.</p>`
            : html`<table aria-label=${s.title}>
                <thead>
                  <tr>
                    ${s.columns.map(([label]) => html`<th scope="col">${label}</th>`)}
                    <th scope="col">State</th>
                    ${can ? html`<th scope="col"><span class="visually-hidden">Actions</span></th>` : nothing}
                  </tr>
                </thead>
                <tbody>
                  ${items.map(
                    (item) =>
                      html`<tr>
                        ${s.columns.map(([, value]) => html`<td>${value(item)}</td>`)}
                        <td>${item.enabled ? 'enabled' : 'disabled'}</td>
                        ${
                          can
                            ? html`<td class="actions">
                                <button
                                  @click=${() => void this._act(() => s.change(item.id, { enabled: !item.enabled }))}
                                  aria-label=${`${item.enabled ? 'Disable' : 'Enable'} ${s.noun} ${s.name(item)}`}
                                >
                                  ${item.enabled ? 'Disable' : 'Enable'}
                                </button>
                                <button
                                  @click=${() => void this._act(() => s.remove(item.id))}
                                  aria-label=${`Remove ${s.noun} ${s.name(item)}`}
                                >
                                  Remove
                                </button>
                              </td>`
                            : nothing
                        }
                      </tr>`,
                  )}
                </tbody>
              </table>`
      }
      ${
        can
          ? html`<form class="fields" novalidate @submit=${this._add} aria-label=${`New ${s.noun}`}>
              ${s.fields.map((f) => this._field(f, id(f)))}
              <button class="primary" ?disabled=${this._form.busy}>Add ${s.noun}</button>
            </form>`
          : nothing
      }
      ${this._formErrors().map((m) => html`<p class="error" role="alert">${m}</p>`)}
    </section>`;
  }

  /** Errors about no field of the form (`match` as a whole, a refusal): shown under it. */
  private _formErrors(): string[] {
    const names = new Set(this.spec.fields.map((f) => f.name));
    return Object.entries(this._form.errors)
      .filter(([k]) => !names.has(k))
      .map(([k, m]) => (k ? `${k} ${m}` : m));
  }

  private _field(f: CollectionField, id: string) {
    const err = this._form.errors[f.name];
    const described = err ? `${id}-error` : nothing;
    if (f.kind === 'checkboxes')
      return html`<fieldset aria-describedby=${described}>
        <legend>${f.label}</legend>
        ${(f.options ?? []).map(
          ([value, label]) =>
            html`<label><input type="checkbox" name=${f.name} value=${value} /> ${label}</label>`,
        )}
        ${err ? html`<span class="field-error" id="${id}-error">${err}</span>` : nothing}
      </fieldset>`;
    const control =
      f.kind === 'select'
        ? html`<select id=${id} name=${f.name} aria-invalid=${invalid(err)} aria-describedby=${described}>
            ${(f.options ?? []).map(([value, label]) => html`<option value=${value}>${label}</option>`)}
          </select>`
        : html`<input
            id=${id}
            name=${f.name}
            type=${f.kind}
            placeholder=${f.placeholder ?? nothing}
            .value=${f.value ?? ''}
            aria-invalid=${invalid(err)}
            aria-describedby=${described}
          />`;
    return formField(id, f.label, control, err);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rf-collection-settings': RfCollectionSettings;
  }
}
