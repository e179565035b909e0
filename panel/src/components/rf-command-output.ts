import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { CommandOutputFollower } from '../data/command-output-follower.js';
import type { RfContext } from '../data/context.js';
import { shared } from '../styles/theme.js';

/** One command's output lines as they arrive: the stored backlog, then the live ones, in order. */
@customElement('rf-command-output')
export class RfCommandOutput extends LitElement {
  static override styles = [
    shared,
    css`
      .log ol {
        margin: 0;
        padding: 0;
        list-style: none;
      }
      .log {
        padding: 8px;
        font-family: var(--rf-mono);
        font-size: 0.85rem;
        background: var(--rf-background);
        border-radius: 6px;
        max-height: 320px;
        overflow: auto;
      }
      .log li {
        white-space: pre-wrap;
        word-break: break-word;
      }
      .stderr {
        color: var(--rf-error);
      }
      .status {
        color: var(--rf-text-secondary);
        font-style: italic;
      }
      progress {
        width: 100%;
        max-width: 320px;
      }
    `,
  ];

  @property({ attribute: false }) ctx!: RfContext;
  @property() commandId = '';
  /** Names the log for assistive technology ("Output of scan apt on web-01"). */
  @property() label = 'Output';
  /** The command has ended: its last percentage is history, not progress. */
  @property({ type: Boolean }) finished = false;
  private _follower: CommandOutputFollower | null = null;
  private _off: (() => void) | null = null;
  /** Follow the end while the reader is there; leave the scroll alone once they scrolled up. */
  private _stick = true;

  override connectedCallback(): void {
    super.connectedCallback();
    this._follow();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this._unfollow();
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('commandId') && this._follower?.commandId !== this.commandId) this._follow();
  }

  private _follow(): void {
    this._unfollow();
    if (!this.isConnected || !this.commandId) return;
    const { api, live } = this.ctx;
    const follower = new CommandOutputFollower({
      commandId: this.commandId,
      output: (id, after) => api.commands.output(id, after),
      live,
    });
    this._follower = follower;
    this._off = follower.state.subscribe(() => this.requestUpdate());
    follower.start();
  }

  private _unfollow(): void {
    this._off?.();
    this._follower?.stop();
    this._off = this._follower = null;
  }

  override updated(): void {
    const log = this.renderRoot.querySelector('.log');
    if (log && this._stick) log.scrollTop = log.scrollHeight;
  }

  private _scrolled(e: Event): void {
    const log = e.target as HTMLElement;
    this._stick = log.scrollHeight - log.scrollTop - log.clientHeight < 24;
  }

  override render() {
    const s = this._follower?.state.value;
    if (!s) return nothing;
    const progress =
      s.percent !== null && !this.finished
        ? html`<p>
            <progress max="100" .value=${s.percent} aria-label=${`${this.label}: progress`}></progress>
            ${Math.round(s.percent)}%
          </p>`
        : nothing;
    if (s.lines.length === 0)
      return html`${progress}
        <p class="muted" role="status">
          ${s.error ? html`<span class="error">${s.error}</span>` : s.loaded ? 'No output yet.' : 'Loading output…'}
        </p>`;
    return html`${progress}
      <div class="log" role="log" aria-label=${this.label} tabindex="0" @scroll=${this._scrolled}>
        <ol>
          ${s.lines.map((l) => html`<li class=${l.stream} data-seq=${l.seq}>${l.line}</li>`)}
        </ol>
      </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rf-command-output': RfCommandOutput;
  }
}
