import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { HostContainer, PackageUpdate } from '../data/api-types.js';
import { actionOf, CHECK_STATUS_LABELS, shortDigest, stateOf } from '../data/containers.js';
import type { RfContext } from '../data/context.js';
import { pageStyles } from '../styles/pages.js';
import { shared } from '../styles/theme.js';
import type { DialogOutcome } from './rf-install-dialog.js';
import './rf-install-dialog.js';

/**
 * Containers with their image's check (issue 24 §5): image, tag, short local and registry
 * digests, state and health, update status and the update action. A table, and under 600 px a
 * card per container (a phone's 390 px cannot hold nine columns). The action goes through the
 * normal workflow: Update approves the image's docker record (dry run, then install or a
 * person's confirmation), Review opens the install dialog of a dry run waiting for a person.
 * Sends `rf-containers-changed` after an action so the page reads the list again.
 */
@customElement('rf-container-list')
export class RfContainerList extends LitElement {
  static override styles = [
    shared,
    pageStyles,
    css`
      .cards {
        display: none;
        list-style: none;
        padding: 0;
        margin: 0;
      }
      .cards li {
        border-bottom: 1px solid var(--rf-divider);
        padding: 8px 0;
      }
      .cards .head {
        display: flex;
        justify-content: space-between;
        gap: 8px;
        align-items: baseline;
      }
      .cards dl.facts {
        margin-top: 4px;
        font-size: 0.9rem;
      }
      code {
        word-break: break-all;
      }
      .ref {
        word-break: break-all;
      }
      .status-update_available {
        color: var(--rf-warning);
        font-weight: 600;
      }
      .status-check_failed {
        color: var(--rf-error);
      }
      @media (max-width: 600px) {
        table {
          display: none;
        }
        .cards {
          display: block;
        }
      }
    `,
  ];
  @property({ attribute: false }) ctx!: RfContext;
  @property({ attribute: false }) containers: readonly HostContainer[] = [];
  /** The fleet page shows each container's host; a host's page does not. */
  @property({ type: Boolean }) showHost = false;
  @state() private _review: PackageUpdate | null = null;
  @state() private _busy = new Set<string>();

  override render() {
    const rows = this.containers;
    return html`<table aria-label="Containers">
        <thead>
          <tr>
            ${this.showHost ? html`<th scope="col">Host</th>` : nothing}
            <th scope="col">Container</th>
            <th scope="col">Image</th>
            <th scope="col">Tag</th>
            <th scope="col">Local digest</th>
            <th scope="col">Registry digest</th>
            <th scope="col">State</th>
            <th scope="col">Update</th>
            <th scope="col"><span class="visually-hidden">Action</span></th>
          </tr>
        </thead>
        <tbody>
          ${rows.map(
            (c) =>
              html`<tr data-container=${c.name}>
                ${this.showHost ? html`<td>${this._host(c)}</td>` : nothing}
                <td>${c.name}${this._compose(c)}</td>
                <td class="ref">${c.image}</td>
                <td>${c.tag ?? ''}</td>
                <td>${this._digests(c.localDigests)}</td>
                <td>${this._digests(c.remoteDigest ? [c.remoteDigest] : [])}</td>
                <td>${stateOf(c)}</td>
                <td>${this._status(c)}</td>
                <td>${this._action(c)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      <ul class="cards" aria-label="Containers">
        ${rows.map(
          (c) =>
            html`<li data-container=${c.name}>
              <div class="head">
                <strong>${c.name}</strong>
                ${this._action(c)}
              </div>
              <div class="ref">${c.image}${c.tag ? `:${c.tag}` : ''}</div>
              <dl class="facts">
                ${
                  this.showHost
                    ? html`<dt>Host</dt>
                        <dd>${this._host(c)}</dd>`
                    : nothing
                }
                <dt>Update</dt>
                <dd>${this._status(c)}</dd>
                <dt>State</dt>
                <dd>${stateOf(c)}</dd>
                <dt>Local</dt>
                <dd>${this._digests(c.localDigests)}</dd>
                <dt>Registry</dt>
                <dd>${this._digests(c.remoteDigest ? [c.remoteDigest] : [])}</dd>
                ${
                  c.composeProject
                    ? html`<dt>Compose</dt>
                        <dd>${c.composeProject}/${c.composeService ?? ''}</dd>`
                    : nothing
                }
              </dl>
            </li>`,
        )}
      </ul>
      <rf-install-dialog
        .ctx=${this.ctx}
        .item=${this._review}
        @rf-dialog-done=${(e: CustomEvent<DialogOutcome>) => this._dialogDone(e.detail)}
      ></rf-install-dialog>`;
  }

  private _host(c: HostContainer) {
    return html`<a href=${this.ctx.location.href(`/hosts/${c.agentId}`)}>${c.hostname}</a>`;
  }

  private _compose(c: HostContainer) {
    return c.composeProject
      ? html`<div class="muted">compose ${c.composeProject}/${c.composeService ?? ''}</div>`
      : nothing;
  }

  private _digests(digests: readonly string[]) {
    if (digests.length === 0) return html`<span class="muted">—</span>`;
    return digests.map((d) => html`<code title=${d}>${shortDigest(d)}</code> `);
  }

  private _status(c: HostContainer) {
    return html`<span class=${`status-${c.checkStatus}`} title=${c.checkReason ?? ''}
        >${CHECK_STATUS_LABELS[c.checkStatus]}</span
      >${c.checkReason ? html`<div class="muted">${c.checkReason}</div>` : nothing}`;
  }

  private _action(c: HostContainer) {
    const action = actionOf(c);
    const canAct = this.ctx.session.can('operator');
    const busy = this._busy.has(c.update?.id ?? '');
    const label = `${c.name} on ${c.hostname}`;
    if (action.kind === 'update' && canAct)
      return html`<button
        class="primary"
        ?disabled=${busy}
        aria-label=${`Update ${label}`}
        @click=${() => void this._update(c)}
      >
        Update
      </button>`;
    if (action.kind === 'review' && canAct)
      return html`<button
        aria-label=${`Review the update of ${label}`}
        @click=${() => void this._openReview(c)}
      >
        Review
      </button>`;
    if (action.kind === 'status') return html`<span class="badge">${action.label}</span>`;
    if (action.kind === 'review') return html`<span class="badge">to confirm</span>`;
    return nothing;
  }

  /** Approves the image's record: the core's workflow runs the dry run, then the install. */
  private async _update(c: HostContainer): Promise<void> {
    const u = c.update!;
    this._busy = new Set([...this._busy, u.id]);
    try {
      const answer = await this.ctx.api.updates.approve({ ids: [u.id] });
      if (answer.refused.length)
        this.ctx.toasts.show(`Not updated: ${c.name} on ${c.hostname}: ${answer.refused[0]!.why}`);
      else this.ctx.toasts.show(`Approved the update of ${c.name} on ${c.hostname}: dry run first`, 'info');
    } catch (err) {
      this.ctx.toasts.show(`Could not update ${c.name}: ${(err as Error).message}`);
    } finally {
      this._busy = new Set([...this._busy].filter((id) => id !== u.id));
      this._changed();
    }
  }

  private async _openReview(c: HostContainer): Promise<void> {
    try {
      this._review = await this.ctx.api.updates.detail(c.update!.id);
    } catch (err) {
      this.ctx.toasts.show(`Could not open the dry run of ${c.name}: ${(err as Error).message}`);
    }
  }

  private _dialogDone(d: DialogOutcome): void {
    this._review = null;
    if (d.outcome === 'confirmed') this.ctx.toasts.show(`Installing the update of ${d.update.name}`, 'info');
    if (d.outcome !== 'cancelled') this._changed();
  }

  private _changed(): void {
    this.dispatchEvent(new CustomEvent('rf-containers-changed', { bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rf-container-list': RfContainerList;
  }
}
