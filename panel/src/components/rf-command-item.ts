import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Command } from '../data/api-types.js';
import { ApiError } from '../data/api-error.js';
import {
  canCancel,
  cannotStopSafely,
  canRetry,
  commandTimeline,
  describeCommand,
  isActive,
  retryRole,
} from '../data/commands.js';
import type { RfContext } from '../data/context.js';
import { pageStyles } from '../styles/pages.js';
import { shared } from '../styles/theme.js';
import './rf-command-output.js';

/** Told to the list when an action returned a command (the retry's new one, the cancelled one). */
export class CommandChangedEvent extends Event {
  constructor(readonly command: Command) {
    super('command-changed', { bubbles: true, composed: true });
  }
}

/**
 * One command: what it does, on which host, its status with the moments it reached them, its
 * attempt, retry (finished without success) and cancel (not finished: withdrawn, or the agent
 * asked to stop it), and its output. A cancel the agent refused says it could not stop safely.
 */
@customElement('rf-command-item')
export class RfCommandItem extends LitElement {
  static override styles = [
    shared,
    pageStyles,
    css`
      :host {
        display: block;
        border-bottom: 1px solid var(--rf-divider);
        padding: 10px 0;
      }
      .head {
        display: flex;
        flex-wrap: wrap;
        align-items: baseline;
        gap: 6px 12px;
      }
      .what {
        font-weight: 600;
      }
      .actions {
        margin-left: auto;
      }
      .st-succeeded {
        color: var(--rf-success);
        border-color: currentColor;
      }
      .st-failed,
      .st-timed_out,
      .st-rejected {
        color: var(--rf-error);
        border-color: currentColor;
      }
      .st-running,
      .st-acknowledged,
      .st-sent,
      .st-pending {
        color: var(--rf-info);
        border-color: currentColor;
      }
      ol.timeline {
        list-style: none;
        display: flex;
        flex-wrap: wrap;
        gap: 2px 14px;
        padding: 0;
        margin: 4px 0;
        font-size: 0.85rem;
      }
      summary {
        cursor: pointer;
        margin-top: 4px;
      }
    `,
  ];

  @property({ attribute: false }) ctx!: RfContext;
  @property({ attribute: false }) command!: Command;
  @property() hostname = '';
  /** Show the output from the start (an active command, the one the address names). */
  @property({ type: Boolean }) open = false;
  @state() private _busy = false;
  /** Once shown (active, named, or opened), the output stays open when the command finishes. */
  @state() private _showOutput = false;

  override firstUpdated(): void {
    // The command the address names: bring it into view.
    if (this.open) this.scrollIntoView({ block: 'nearest' });
  }

  override willUpdate(): void {
    if (!this._showOutput && (this.open || isActive(this.command))) this._showOutput = true;
  }

  private async _act(action: 'retry' | 'cancel'): Promise<void> {
    this._busy = true;
    try {
      const c = this.command;
      if (action === 'retry') {
        this.dispatchEvent(new CommandChangedEvent(await this.ctx.api.commands.retry(c.id)));
        this.ctx.toasts.show(`Retry of ${describeCommand(c)} issued`, 'info');
        return;
      }
      const answer = await this.ctx.api.commands.cancel(c.id);
      if ('cancel' in answer) {
        // Running on its host: the agent decides, and its answer arrives as the cancel's row.
        this.dispatchEvent(new CommandChangedEvent(answer.cancel));
        this.ctx.toasts.show(`Asked the agent to stop ${describeCommand(c)}`, 'info');
      } else {
        this.dispatchEvent(new CommandChangedEvent(answer));
        this.ctx.toasts.show(`${describeCommand(c)} cancelled`, 'info');
      }
    } catch (err) {
      // A refusal (409) carries the command as it is now: redraw it with that.
      const now =
        err instanceof ApiError ? (err.details as { command?: Command } | undefined)?.command : undefined;
      if (now?.id) this.dispatchEvent(new CommandChangedEvent(now));
    } finally {
      this._busy = false;
    }
  }

  /** The error; a cancel the agent could not do safely says so in words a person acts on. */
  private _renderError(c: Command) {
    const target = cannotStopSafely(c);
    if (target)
      return html`<p class="error" data-code="cannot_stop_safely">
        Could not stop
        <a href=${this.ctx.location.href('/operations', { command: target })}>the install</a> safely: the
        package manager was already changing the system, so it runs to its end.
      </p>`;
    return c.error ? html`<p class="error">${c.error}</p>` : nothing;
  }

  override render() {
    const c = this.command;
    const what = describeCommand(c);
    const on = this.hostname || c.agentId.slice(0, 8);
    const session = this.ctx.session;
    const mayRetry = canRetry(c) && session.can(retryRole(c));
    const mayCancel = canCancel(c) && session.can('operator');
    const showOutput = this._showOutput;
    const time = (at: string) => html`<time datetime=${at}>${new Date(at).toLocaleString()}</time>`;
    return html`<article aria-label=${`${what} on ${on}`}>
      <div class="head">
        <span class="what">${what}</span>
        <a href=${this.ctx.location.href(`/hosts/${c.agentId}`)}>${on}</a>
        <span class="badge st-${c.status}" data-status=${c.status}>${c.status.replace('_', ' ')}</span>
        ${(c.attempt ?? 1) > 1 ? html`<span class="muted">attempt ${c.attempt}</span>` : nothing}
        ${c.source && c.source !== 'manual' ? html`<span class="muted">by ${c.source}</span>` : nothing}
        ${c.createdBy ? html`<span class="muted hide-narrow">issued by ${c.createdBy}</span>` : nothing}
        ${
          mayRetry || mayCancel
            ? html`<span class="actions">
                ${
                  mayRetry
                    ? html`<button
                        ?disabled=${this._busy}
                        aria-label=${`Retry ${what} on ${on}`}
                        @click=${() => void this._act('retry')}
                      >
                        Retry
                      </button>`
                    : nothing
                }
                ${
                  mayCancel
                    ? html`<button
                        ?disabled=${this._busy}
                        aria-label=${`Cancel ${what} on ${on}`}
                        @click=${() => void this._act('cancel')}
                      >
                        Cancel
                      </button>`
                    : nothing
                }
              </span>`
            : nothing
        }
      </div>
      <ol class="timeline muted" aria-label="Timeline">
        ${commandTimeline(c).map((s) => html`<li>${s.label} ${time(s.at)}</li>`)}
      </ol>
      ${this._renderError(c)}
      <details
        ?open=${showOutput}
        @toggle=${(e: Event) => (this._showOutput = (e.target as HTMLDetailsElement).open)}
      >
        <summary>Output</summary>
        ${
          showOutput
            ? html`<rf-command-output
                .ctx=${this.ctx}
                .commandId=${c.id}
                ?finished=${!isActive(c)}
                label=${`Output of ${what} on ${on}`}
              ></rf-command-output>`
            : nothing
        }
      </details>
    </article>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rf-command-item': RfCommandItem;
  }
}
