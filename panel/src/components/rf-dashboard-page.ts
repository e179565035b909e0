import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { type FleetStats, SEVERITIES, type SystemEvent } from '../data/api-types.js';
import type { RfContext } from '../data/context.js';
import { DASHBOARD_KINDS } from '../data/live-events.js';
import { refreshOnLive } from '../data/refresh-on-live.js';
import { shared } from '../styles/theme.js';
import './rf-pending-chart.js';
import './rf-severity-badge.js';

/** The fleet at a glance: GET /api/v1/stats and the latest events, kept current by the live stream. */
@customElement('rf-dashboard-page')
export class RfDashboardPage extends LitElement {
  static override styles = [
    shared,
    css`
      .tiles {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(160px, 1fr));
        gap: 12px;
        margin-bottom: 16px;
      }
      .tile .n {
        font-size: 1.8rem;
        font-weight: 700;
      }
      .grid {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(280px, 1fr));
        gap: 12px;
        margin-bottom: 16px;
      }
      dl {
        display: grid;
        grid-template-columns: 1fr auto;
        gap: 6px 12px;
        margin: 0;
      }
      dd {
        margin: 0;
        text-align: right;
        font-variant-numeric: tabular-nums;
      }
      .chart {
        margin-bottom: 16px;
      }
      ul {
        list-style: none;
        padding: 0;
        margin: 0;
      }
      li {
        padding: 6px 0;
        border-bottom: 1px solid var(--rf-divider);
        overflow-wrap: anywhere;
      }
    `,
  ];

  @property({ attribute: false }) ctx!: RfContext;
  @state() private _stats: FleetStats | null = null;
  @state() private _events: SystemEvent[] = [];
  private _stop: (() => void) | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    void this._load();
    this._stop = refreshOnLive(this.ctx.live, DASHBOARD_KINDS, () => void this._load());
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this._stop?.();
  }

  private async _load(): Promise<void> {
    const [stats, events] = await Promise.all([
      this.ctx.api.stats(30),
      this.ctx.api.events.list({ limit: 10 }),
    ]);
    this._stats = stats;
    this._events = events.items;
  }

  override render() {
    const s = this._stats;
    if (!s)
      return html`<h1>Dashboard</h1>
        <p class="muted" role="status">Loading…</p>`;
    const tile = (label: string, n: number, id: string, href?: string) =>
      html`<div class="card tile" data-stat=${id}>
        <div class="n">${n}</div>
        <div class="muted">${href ? html`<a href=${href}>${label}</a>` : label}</div>
      </div>`;
    const loc = this.ctx.location;
    return html`<h1>Dashboard</h1>
      <section class="tiles" aria-label="Fleet totals">
        ${tile('hosts online', s.agents.online, 'online')}
        ${tile('hosts offline', s.agents.offline, 'offline')}
        ${tile('pending updates', s.pending.total, 'pending', loc.href('/updates'))}
        ${tile('security updates', s.pending.security, 'security', loc.href('/updates', { security: 'true' }))}
        ${tile('reboots required', s.agents.rebootRequired, 'reboot')}
        ${tile(`failed commands (${s.failedCommands.recentHours} h)`, s.failedCommands.count, 'failed', loc.href('/operations'))}
      </section>
      <div class="grid">
        <section class="card" aria-labelledby="sev">
          <h2 id="sev">Pending by severity</h2>
          <dl>
            ${SEVERITIES.map(
              (sev) =>
                html`<dt><rf-severity-badge .severity=${sev}></rf-severity-badge></dt>
                  <dd data-severity=${sev}>
                    <a href=${loc.href('/updates', { severity: sev })}>${s.pending[sev] ?? 0}</a>
                  </dd>`,
            )}
          </dl>
        </section>
        <section class="card" aria-labelledby="pm">
          <h2 id="pm">Pending by package manager</h2>
          <dl>
            ${Object.entries(s.byPlugin).map(
              ([plugin, n]) =>
                html`<dt>${plugin}</dt>
                  <dd data-plugin=${plugin}>${n}</dd>`,
            )}
          </dl>
          ${Object.keys(s.byPlugin).length === 0 ? html`<p class="muted">Nothing pending.</p>` : nothing}
        </section>
      </div>
      <section class="card chart" aria-labelledby="chart">
        <h2 id="chart">Last ${s.daily.length} days</h2>
        <rf-pending-chart .daily=${s.daily}></rf-pending-chart>
      </section>
      <section class="card" aria-labelledby="events">
        <h2 id="events">Recent events</h2>
        <ul>
          ${this._events.map(
            (e) =>
              html`<li>
                <span class="muted">${new Date(e.createdAt).toLocaleString()}</span> ${e.message}
              </li>`,
          )}
        </ul>
      </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rf-dashboard-page': RfDashboardPage;
  }
}
