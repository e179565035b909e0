import { html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Agent, Command, PackageUpdate, SystemEvent } from '../data/api-types.js';
import type { RfContext } from '../data/context.js';
import { metricsOf, packageManagersOf } from '../data/hosts.js';
import { coalesce } from '../data/live-events.js';
import { pageStyles } from '../styles/pages.js';
import { shared } from '../styles/theme.js';
import './rf-host-metrics.js';
import { hostActions } from './rf-host-actions.js';

const OPEN = new Set([
  'pending',
  'approved',
  'checking_dependencies',
  'pending_dependencies',
  'installing',
  'failed',
  'held',
]);

/** One host: its facts, metrics, pending updates, Docker images, commands, history and actions. */
@customElement('rf-host-page')
export class RfHostPage extends LitElement {
  static override styles = [shared, pageStyles];
  @property({ attribute: false }) ctx!: RfContext;
  @property() agentId = '';
  @state() _agent: Agent | null = null;
  @state() _updates: PackageUpdate[] = [];
  @state() _commands: Command[] = [];
  @state() _events: SystemEvent[] = [];
  @state() _error: string | null = null;
  @state() _confirmRevoke = false;
  @state() _busy: string | null = null;
  private _off: Array<() => void> = [];

  override connectedCallback(): void {
    super.connectedCallback();
    const reload = coalesce(
      () => void this._load(),
      (fn) => setTimeout(fn, 250),
    );
    this._off = [
      this.ctx.live.subscribe((ev) => {
        if (ev.agentId === this.agentId || ev.kind === 'packages.changed') reload();
      }),
      this.ctx.live.onReset(() => void this._load()),
    ];
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const off of this._off.splice(0)) off();
  }

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('agentId')) void this._load();
  }

  async _load(): Promise<void> {
    const id = this.agentId;
    try {
      const [agent, updates, commands, events] = await Promise.all([
        this.ctx.api.agents.get(id),
        this.ctx.api.updates.list({ agent: id }, { limit: 500 }),
        this.ctx.api.commands.list({ agent: id, limit: 20 }),
        this.ctx.api.eventPages.list({ agent: id }, { limit: 50 }),
      ]);
      if (id !== this.agentId) return;
      this._agent = agent;
      this._updates = updates.items.filter((u) => OPEN.has(u.status));
      this._commands = commands.items;
      this._events = events.items;
      this._error = null;
    } catch (err) {
      this._error = (err as Error).message;
    }
  }

  /** Runs an action, shows what it did, reloads (live events follow). */
  async _run(label: string, action: () => Promise<unknown>, done: string): Promise<void> {
    this._busy = label;
    try {
      await action();
      this.ctx.toasts.show(done, 'info');
      await this._load();
    } catch {
      // the API client showed a toast and reported it
    } finally {
      this._busy = null;
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
    const status = a.status === 'revoked' ? 'revoked' : a.online ? 'online' : 'offline';
    const docker = this._updates.filter((u) => u.plugin === 'docker');
    const packages = this._updates.filter((u) => u.plugin !== 'docker');
    return html`<p><a href=${this.ctx.location.href('/hosts')}>← Hosts</a></p>
      <h1>${a.hostname}</h1>
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
      ${hostActions(this, a)}
      <section class="card" aria-label="Metrics">
        <h2>Metrics</h2>
        <rf-host-metrics .metrics=${metricsOf(a)} .rebootRequired=${!!a.rebootRequired}></rf-host-metrics>
      </section>
      <section class="card table-wrap" aria-label="Pending updates">
        <h2>Pending updates (${packages.length})</h2>
        ${packages.length === 0 ? html`<p class="muted">Nothing pending.</p>` : this._updatesTable(packages)}
        <p><a href=${this.ctx.location.href('/updates', { agent: a.id })}>All updates of this host</a></p>
      </section>
      ${docker.length ? this._docker(docker) : nothing}
      <section class="card table-wrap" aria-label="Commands">
        <h2>Commands</h2>
        ${
          this._commands.length === 0
            ? html`<p class="muted">No commands yet.</p>`
            : html`<table aria-label="Commands of this host">
                <thead>
                  <tr>
                    <th scope="col">Type</th>
                    <th scope="col">Status</th>
                    <th scope="col">Created</th>
                  </tr>
                </thead>
                <tbody>
                  ${this._commands.map(
                    (c) =>
                      html`<tr>
                        <td>${c.type}${c.params?.plugin ? ` ${String(c.params.plugin)}` : ''}</td>
                        <td>
                          ${c.status}${c.error ? html` <span class="error">${c.error}</span>` : nothing}
                        </td>
                        <td>${c.createdAt ? new Date(c.createdAt).toLocaleString() : ''}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>`
        }
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
                    </li>`,
                )}
              </ul>`
        }
        <p><a href=${this.ctx.location.href('/history', { agent: a.id })}>Full history of this host</a></p>
      </section>`;
  }

  private _updatesTable(items: PackageUpdate[]) {
    return html`<table aria-label="Pending updates of this host">
      <thead>
        <tr>
          <th scope="col">Package</th>
          <th scope="col">Manager</th>
          <th scope="col" class="hide-narrow">Installed</th>
          <th scope="col">Available</th>
          <th scope="col">Severity</th>
          <th scope="col">Status</th>
        </tr>
      </thead>
      <tbody>
        ${items.map(
          (u) =>
            html`<tr>
              <td>${u.name}${u.security ? html` <span class="badge">security</span>` : nothing}</td>
              <td>${u.plugin}</td>
              <td class="hide-narrow">${u.currentVersion ?? ''}</td>
              <td>${u.availableVersion ?? ''}</td>
              <td><span class="badge sev sev-${u.severity}">${u.severity}</span></td>
              <td>${u.status}</td>
            </tr>`,
        )}
      </tbody>
    </table>`;
  }

  /** Docker records (plugin `docker`): image, tag, containers, local and remote digests. */
  private _docker(items: PackageUpdate[]) {
    const meta = (u: PackageUpdate, k: string) => {
      const v = u.metadata?.[k];
      return Array.isArray(v) ? v.map(String).join(', ') : v === undefined || v === null ? '' : String(v);
    };
    return html`<section class="card table-wrap" aria-label="Docker containers">
      <h2>Docker containers</h2>
      <table aria-label="Docker image updates">
        <thead>
          <tr>
            <th scope="col">Image</th>
            <th scope="col">Containers</th>
            <th scope="col" class="hide-narrow">Local digest</th>
            <th scope="col" class="hide-narrow">Remote digest</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          ${items.map(
            (u) =>
              html`<tr>
                <td>${meta(u, 'image') || u.name}${meta(u, 'tag') ? `:${meta(u, 'tag')}` : ''}</td>
                <td>${meta(u, 'containers') || meta(u, 'containerIds')}</td>
                <td class="hide-narrow"><code>${u.currentVersion ?? meta(u, 'localDigest')}</code></td>
                <td class="hide-narrow"><code>${u.availableVersion ?? meta(u, 'remoteDigest')}</code></td>
                <td>${u.status}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rf-host-page': RfHostPage;
  }
}
