import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import {
  type Agent,
  OUTSTANDING_PACKAGE_STATUSES,
  type PackageUpdate,
  type SystemEvent,
} from '../data/api-types.js';
import type { RfContext } from '../data/context.js';
import { metricsOf, packageManagersOf } from '../data/hosts.js';
import { HOST_PAGE_KINDS } from '../data/live-events.js';
import { HostRefreshController } from '../data/host-refresh-controller.js';
import { pageStyles } from '../styles/pages.js';
import { shared } from '../styles/theme.js';
import './rf-command-list.js';
import './rf-docker-images.js';
import './rf-host-actions.js';
import './rf-host-containers.js';
import './rf-host-identity.js';
import './rf-host-metrics.js';
import './rf-host-updates.js';

/** What the host page lists: updates still to install, and held ones (a person decides those). */
const OPEN = new Set<string>([...OUTSTANDING_PACKAGE_STATUSES, 'held']);

/**
 * One host: its facts, metrics, pending updates, Docker images, containers, actions, commands (with their
 * output as they run) and history; read again when a live event about the host arrives.
 */
@customElement('rf-host-page')
export class RfHostPage extends LitElement {
  static override styles = [
    shared,
    pageStyles,
    css`
      rf-host-actions + section {
        margin-top: 16px;
      }
    `,
  ];
  @property({ attribute: false }) ctx!: RfContext;
  @property() agentId = '';
  @state() private _agent: Agent | null = null;
  @state() private _updates: PackageUpdate[] = [];
  @state() private _events: SystemEvent[] = [];
  @state() private _error: string | null = null;

  constructor() {
    super();
    new HostRefreshController(
      this,
      (ev, agentId) =>
        (ev.agentId === agentId && HOST_PAGE_KINDS.has(ev.kind)) || ev.kind === 'packages.changed',
      () => void this._load(),
    );
  }

  private async _load(): Promise<void> {
    const id = this.agentId;
    try {
      const [agent, updates, events] = await Promise.all([
        this.ctx.api.agents.get(id),
        this.ctx.api.updates.list({ agent: id }, { limit: 500 }),
        this.ctx.api.eventPages.list({ agent: id }, { limit: 50 }),
      ]);
      if (id !== this.agentId) return;
      this._agent = agent;
      this._updates = updates.items.filter((u) => OPEN.has(u.status));
      this._events = events.items;
      this._error = null;
    } catch (err) {
      this._error = (err as Error).message;
    }
  }

  override render() {
    if (this._error && !this._agent)
      return html`<h1>Host</h1>
        <p class="error" role="alert">${this._error}</p>`;
    const a = this._agent;
    if (!a)
      return html`<h1>Host</h1>
        <p class="muted" role="status">Loading…</p>`;
    // A copied identity is refused until an admin rebinds it (issue 21 §5).
    const status =
      a.status === 'revoked'
        ? 'revoked'
        : a.identityConflict
          ? 'needs attention'
          : a.online
            ? 'online'
            : 'offline';
    const docker = this._updates.filter((u) => u.plugin === 'docker');
    const packages = this._updates.filter((u) => u.plugin !== 'docker');
    const hostnames = new Map([[a.id, a.hostname]]);
    return html`<p><a href=${this.ctx.location.href('/hosts')}>← Hosts</a></p>
      <h1>${a.hostname}</h1>
      <rf-host-identity
        .ctx=${this.ctx}
        .agent=${a}
        @host-changed=${() => void this._load()}
      ></rf-host-identity>
      <section class="card" aria-label="Overview">
        <dl class="facts">
          <dt>Status</dt>
          <dd class=${status === 'online' ? 'online' : 'offline'}>${status}</dd>
          <dt>OS</dt>
          <dd>${a.os ?? ''} ${a.arch ?? ''}</dd>
          <dt>Agent</dt>
          <dd>${a.agentVersion ?? ''}</dd>
          <dt>Package managers</dt>
          <dd>${packageManagersOf(a).join(', ') || html`<span class="muted">none reported</span>`}</dd>
          <dt>Labels</dt>
          <dd>${(a.labels ?? []).map((l) => html`<span class="badge">${l}</span>`)}</dd>
          <dt>Last seen</dt>
          <dd>${a.lastSeenAt ? new Date(a.lastSeenAt).toLocaleString() : 'never'}</dd>
          <dt>Reboot</dt>
          <dd>${a.rebootRequired ? html`<span class="warn">required</span>` : 'not required'}</dd>
        </dl>
      </section>
      <rf-host-actions
        .ctx=${this.ctx}
        .agent=${a}
        .approved=${this._updates.filter((u) => u.status === 'approved')}
        @host-changed=${() => void this._load()}
      ></rf-host-actions>
      <section class="card" aria-label="Metrics">
        <h2>Metrics</h2>
        <rf-host-metrics .metrics=${metricsOf(a)} .rebootRequired=${!!a.rebootRequired}></rf-host-metrics>
      </section>
      <section class="card table-wrap" aria-label="Pending updates">
        <h2>Pending updates (${packages.length})</h2>
        <rf-host-updates .updates=${packages}></rf-host-updates>
        <p><a href=${this.ctx.location.href('/updates', { agent: a.id })}>All updates of this host</a></p>
      </section>
      ${
        docker.length
          ? html`<section class="card table-wrap" aria-label="Docker image updates">
              <h2>Docker image updates (${docker.length})</h2>
              <rf-docker-images .updates=${docker}></rf-docker-images>
            </section>`
          : nothing
      }
      <rf-host-containers .ctx=${this.ctx} agentId=${a.id}></rf-host-containers>
      <section class="card" aria-label="Commands">
        <h2>Commands</h2>
        <rf-command-list
          .ctx=${this.ctx}
          agentId=${a.id}
          .hostnames=${hostnames}
          pageSize="10"
        ></rf-command-list>
        <p><a href=${this.ctx.location.href('/operations', { agent: a.id })}>All commands of this host</a></p>
      </section>
      <section class="card table-wrap" aria-label="History">
        <h2>History</h2>
        ${
          this._events.length === 0
            ? html`<p class="muted">No events yet.</p>`
            : html`<ul>
                ${this._events.map(
                  (e) =>
                    html`<li>
                      <time datetime=${e.createdAt}>${new Date(e.createdAt).toLocaleString()}</time>
                      <span class="badge">${e.severity}</span> ${e.type}${e.subtype ? `/${e.subtype}` : ''}:
                      ${e.message}
                      ${
                        typeof e.metadata?.commandId === 'string'
                          ? html`<a
                              href=${this.ctx.location.href('/operations', { command: e.metadata.commandId })}
                              >the command</a
                            >`
                          : nothing
                      }
                    </li>`,
                )}
              </ul>`
        }
        <p><a href=${this.ctx.location.href('/history', { agent: a.id })}>Full history of this host</a></p>
      </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rf-host-page': RfHostPage;
  }
}
