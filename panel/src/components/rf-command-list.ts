import { css, html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { CommandFeed } from '../data/command-feed.js';
import { isActive } from '../data/commands.js';
import type { RfContext } from '../data/context.js';
import { shared } from '../styles/theme.js';
import type { CommandChangedEvent } from './rf-command-item.js';
import './rf-command-item.js';

/**
 * Running and recent commands (of one host when `agentId` is set), live: statuses move, new
 * commands appear, active ones show their output as it streams. The operations page and a
 * host's page both show this.
 */
@customElement('rf-command-list')
export class RfCommandList extends LitElement {
  static override styles = [
    shared,
    css`
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
      }
    `,
  ];

  @property({ attribute: false }) ctx!: RfContext;
  /** Only this host's commands ('' for the fleet). */
  @property() agentId = '';
  /** Agent id → hostname, for the host column. */
  @property({ attribute: false }) hostnames: ReadonlyMap<string, string> = new Map();
  /** A command whose output is shown from the start (the address names it). */
  @property() openCommand = '';
  @property({ type: Number }) pageSize = 50;
  private _feed: CommandFeed | null = null;
  private _off: (() => void) | null = null;
  private _feedKey = '';
  private _key = () => `${this.agentId} ${this.pageSize} ${this.openCommand}`;

  override connectedCallback(): void {
    super.connectedCallback();
    this._start();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this._stop();
  }

  override willUpdate(): void {
    if (this._feed && this._feedKey !== this._key()) this._start();
  }

  private _start(): void {
    this._stop();
    const { api, live } = this.ctx;
    const feed = new CommandFeed({
      api: {
        list: (q) => api.commands.list(q),
        active: (f) => api.commands.active(f),
        get: (id) => api.commands.get(id),
      },
      live,
      ...(this.agentId ? { agentId: this.agentId } : {}),
      pageSize: this.pageSize,
      ...(this.openCommand ? { pinned: this.openCommand } : {}),
    });
    this._feed = feed;
    this._feedKey = this._key();
    this._off = feed.state.subscribe(() => this.requestUpdate());
    feed.start();
  }

  private _stop(): void {
    this._off?.();
    this._feed?.stop();
    this._off = this._feed = null;
  }

  override render() {
    const s = this._feed?.state.value;
    if (!s) return nothing;
    if (!s.loaded) return html`<p class="muted" role="status">Loading commands…</p>`;
    if (s.error && s.commands.length === 0) return html`<p class="error" role="alert">${s.error}</p>`;
    if (s.commands.length === 0) return html`<p class="muted">No commands yet.</p>`;
    const running = s.commands.filter(isActive).length;
    // One list, newest first: a command that finishes keeps its place (and its open output).
    return html`<p class="muted" role="status">${running} running, ${s.commands.length - running} finished</p>
      <ul aria-label="Commands" @command-changed=${(e: CommandChangedEvent) => this._feed?.put(e.command)}>
        ${repeat(
          s.commands,
          (c) => c.id,
          (c) =>
            html`<li>
              <rf-command-item
                data-command=${c.id}
                .ctx=${this.ctx}
                .command=${c}
                hostname=${this.hostnames.get(c.agentId) ?? ''}
                ?open=${c.id === this.openCommand}
              ></rf-command-item>
            </li>`,
        )}
      </ul>
      ${s.nextCursor ? html`<p><button @click=${() => void this._feed?.loadMore()}>Older commands</button></p>` : nothing}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rf-command-list': RfCommandList;
  }
}
