import { html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { ApiError } from '../data/api-error.js';
import type {
  ProxmoxActionReport,
  ProxmoxActionRequest,
  ProxmoxEnrollmentRun,
  ProxmoxTree,
} from '../data/api-types.js';
import type { RfContext } from '../data/context.js';
import { HOST_KINDS } from '../data/live-events.js';
import {
  actionProgressOf,
  describeProgress,
  findNode,
  followEnrollment,
  NODE_ACTIONS,
  proxmoxApi,
} from '../data/proxmox.js';
import { refreshOnLive } from '../data/refresh-on-live.js';
import { pageStyles } from '../styles/pages.js';
import { shared } from '../styles/theme.js';
import {
  containerListStyles,
  enrollmentOutcome,
  guestHead,
  guestRow,
  pendingBadges,
} from './rf-proxmox-rows.js';

/**
 * One Proxmox node (issue 23 §6): its guests, the group actions on all of them (scan, dry run,
 * install approved security updates, enroll every running LXC), the group's progress live from
 * `plugin.progress`, and the enrollment results per container.
 */
@customElement('rf-proxmox-node')
export class RfProxmoxNode extends LitElement {
  static override styles = [shared, pageStyles, containerListStyles];
  @property({ attribute: false }) ctx!: RfContext;
  @property() endpoint = '';
  @property() node = '';
  @state() private _tree: ProxmoxTree | null = null;
  @state() private _error: string | null = null;
  @state() private _busy = false;
  /** The last group action started here, its progress kept current by the live stream. */
  @state() private _action: { label: string; report: ProxmoxActionReport } | null = null;
  @state() private _enrollment: ProxmoxEnrollmentRun | null = null;
  private _stops: Array<() => void> = [];
  private _abort = new AbortController();

  private get _api() {
    return proxmoxApi(this.ctx.api.client);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this._abort = new AbortController();
    this._stops = [
      refreshOnLive(
        this.ctx.live,
        (e) => HOST_KINDS.has(e.kind) || e.kind === 'plugin.progress',
        () => void this._load(),
        500,
      ),
      this.ctx.live.subscribe((e) => {
        const progress = actionProgressOf(e);
        if (progress && this._action && progress.id === this._action.report.id)
          this._action = {
            ...this._action,
            report: { ...this._action.report, progress: progress.progress },
          };
      }),
    ];
    void this._load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const stop of this._stops) stop();
    this._abort.abort();
  }

  private async _load(): Promise<void> {
    try {
      this._tree = await this._api.tree();
      this._error = null;
    } catch (err) {
      this._error =
        err instanceof ApiError && err.status === 404
          ? 'The Proxmox plugin is not enabled.'
          : err instanceof Error
            ? err.message
            : String(err);
    }
  }

  private async _act(label: string, request: Pick<ProxmoxActionRequest, 'type' | 'securityOnly'>) {
    this._busy = true;
    try {
      const report = await this._api.act({
        scope: 'node',
        endpoint: this.endpoint,
        target: this.node,
        ...request,
      });
      this._action = { label, report };
    } catch {
      // the API client showed a toast and reported it
    } finally {
      this._busy = false;
    }
  }

  private async _enrollAll() {
    this._busy = true;
    try {
      const first = await this._api.enroll({ endpoint: this.endpoint, node: this.node });
      this._busy = false;
      await followEnrollment(this._api, first, (run) => (this._enrollment = run), this._abort.signal);
      void this._load();
    } catch {
      // the API client showed a toast and reported it
    } finally {
      this._busy = false;
    }
  }

  override render() {
    const back = html`<p><a href=${this.ctx.location.href('/hosts')}>← Hosts</a></p>`;
    const found = this._tree ? findNode(this._tree, this.endpoint, this.node) : null;
    if (!found)
      return html`${back}
        <h1>Node ${this.node}</h1>
        ${
          this._error
            ? html`<p class="error" role="alert">${this._error}</p>`
            : this._tree
              ? html`<p role="status">No node ${this.node} on endpoint ${this.endpoint}.</p>`
              : html`<p class="muted" role="status">Loading…</p>`
        }`;
    const { cluster, node } = found;
    return html`${back}
      <h1>Node ${node.name}</h1>
      <p>
        ${cluster.name ? `Cluster ${cluster.name}` : `Endpoint ${cluster.endpoint}`} · ${node.status} ·
        ${pendingBadges(node.pending)}
        ${node.agentId ? html`· <a href=${this.ctx.location.href(`/hosts/${node.agentId}`)}>its host</a>` : nothing}
      </p>
      ${this._actions()} ${this._enrollmentResults()}
      <section class="card table-wrap" aria-label="Guests">
        <h2>Guests</h2>
        <table aria-label=${`Guests of ${node.name}`}>
          ${guestHead()}
          <tbody>
            ${node.guests.map((g) => {
              const result = this._enrollment?.results.find((r) => r.vmid === g.vmid);
              return guestRow(this.ctx, g, result ? { enrollment: result } : {});
            })}
          </tbody>
        </table>
      </section>`;
  }

  private _actions() {
    if (!this.ctx.session.can('operator')) return nothing;
    const busy = this._busy;
    const action = this._action;
    return html`<section class="card" aria-label="Actions on every guest">
      <h2>Actions on every guest</h2>
      <div class="actions">
        ${NODE_ACTIONS.map(
          (a) =>
            html`<button ?disabled=${busy} @click=${() => void this._act(a.label, a.request)}>
              ${a.label}
            </button>`,
        )}
        ${
          this.ctx.session.can('admin')
            ? html`<button ?disabled=${busy} @click=${() => void this._enrollAll()}>
                Enroll all running LXCs
              </button>`
            : nothing
        }
      </div>
      ${action ? html`<p role="status">${progressLine(action.label, action.report)}</p>` : nothing}
    </section>`;
  }

  private _enrollmentResults() {
    const run = this._enrollment;
    if (!run) return nothing;
    return html`<section class="card table-wrap" aria-label="Enrollment">
      <h2>Enrollment ${run.done ? '' : html`<span class="muted" role="status">running…</span>`}</h2>
      ${
        run.results.length === 0
          ? html`<p class="muted">No container yet.</p>`
          : html`<table aria-label="Enrollment results">
              <thead>
                <tr>
                  <th scope="col">Container</th>
                  <th scope="col">Outcome</th>
                </tr>
              </thead>
              <tbody>
                ${run.results.map(
                  (r) =>
                    html`<tr>
                      <th scope="row">${r.vmid} ${r.name}</th>
                      <td>${enrollmentOutcome(r)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
    </section>`;
  }
}

/** One line, so it reads (and is matched) as one sentence. */
const progressLine = (label: string, r: ProxmoxActionReport) =>
  `${label}: ${describeProgress(r.progress)}${r.progress.done ? ' (done)' : ''}`;

declare global {
  interface HTMLElementTagNameMap {
    'rf-proxmox-node': RfProxmoxNode;
  }
}
