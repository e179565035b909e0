import { css, html, nothing, type TemplateResult } from 'lit';
import type {
  PendingCounts,
  ProxmoxEnrollmentResult,
  ProxmoxTreeContainer,
  ProxmoxTreeGuest,
} from '../data/api-types.js';
import { CHECK_STATUS_LABELS } from '../data/containers.js';
import type { RfContext } from '../data/context.js';
import { severitiesOf } from '../data/proxmox.js';

/** Pending updates by severity, as the host rows show them; `none` when there are none. */
export function pendingBadges(p: PendingCounts): TemplateResult {
  const list = severitiesOf(p);
  return list.length === 0
    ? html`<span class="muted">none</span>`
    : html`${list.map(([s, n]) => html`<span class="badge sev sev-${s}" title=${s}>${n} ${s}</span>`)}`;
}

/** One container's enrollment outcome: enrolled, skipped with the reason, failed with the error. */
export function enrollmentOutcome(r: ProxmoxEnrollmentResult): TemplateResult {
  const cls = r.outcome === 'failed' ? 'warn' : r.outcome === 'enrolled' ? 'online' : 'muted';
  return html`<span class=${cls}>${r.outcome}</span>: ${r.reason}`;
}

/** For the components that draw `containerList`. */
export const containerListStyles = css`
  ul.containers {
    margin: 0 0 0 16px;
    padding: 0;
    list-style: none;
    font-size: 0.9rem;
  }
  ul.containers li {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
    align-items: baseline;
  }
  ul.containers code {
    word-break: break-all;
  }
`;

/**
 * A host's containers in the tree (issue 23 §4): name, image, state, and "update available"
 * while its image's docker update is still to install; a check that could not say is noted.
 */
export function containerList(label: string, containers: ProxmoxTreeContainer[]): TemplateResult {
  return html`<ul class="containers" aria-label=${label}>
    ${containers.map(
      (c) =>
        html`<li>
          <strong>${c.name}</strong> <code>${c.reference}</code>
          <span class="muted">${c.health ? `${c.state} (${c.health})` : c.state}</span>
          ${
            c.updateOutstanding
              ? html`<span class="badge sev sev-unknown">update available</span>`
              : c.checkStatus === 'up_to_date'
                ? nothing
                : html`<span class="muted">${CHECK_STATUS_LABELS[c.checkStatus]}</span>`
          }
        </li>`,
    )}
  </ul>`;
}

export function guestHead(): TemplateResult {
  return html`<thead>
    <tr>
      <th scope="col">Guest</th>
      <th scope="col">Type</th>
      <th scope="col">Status</th>
      <th scope="col">Agent</th>
      <th scope="col">Pending</th>
      <th scope="col" class="hide-narrow">Tags</th>
    </tr>
  </thead>`;
}

export interface GuestRowOptions {
  /** Shown when the guest has no agent and may be enrolled (an LXC, not a template). */
  onEnroll?: () => void;
  /** The last enrollment result of this container, or `enrolling` while the run goes on. */
  enrollment?: ProxmoxEnrollmentResult | 'enrolling';
  /** Its containers are shown below it unless collapsed; the toggle only with `onToggleContainers`. */
  containersCollapsed?: boolean;
  onToggleContainers?: () => void;
}

/**
 * One guest (LXC or VM) of a node: linked to its host's page when an agent runs there; without
 * one, marked "no agent" with an Enroll action for a container (issue 23 §6).
 */
export function guestRow(ctx: RfContext, g: ProxmoxTreeGuest, opts: GuestRowOptions = {}): TemplateResult {
  const label = `${g.vmid} ${g.name}`;
  const enrollable = !g.agentId && g.type === 'lxc' && !g.template;
  const result = opts.enrollment;
  const open = !opts.containersCollapsed;
  const count = g.containers.length;
  // The list is named by the guest's name alone: rows are found by `<vmid> <name>`, this one is not its guest's.
  return html`<tr>
      <th scope="row">
        ${g.agentId ? html`<a href=${ctx.location.href(`/hosts/${g.agentId}`)}>${label}</a>` : label}
        ${
          count > 0 && opts.onToggleContainers
            ? html`<button
                class="toggle"
                aria-expanded=${open ? 'true' : 'false'}
                aria-label=${`${count} ${count === 1 ? 'container' : 'containers'} of ${label}`}
                @click=${opts.onToggleContainers}
              >
                <span aria-hidden="true">${open ? '▾' : '▸'}</span> ${count}
                ${count === 1 ? 'container' : 'containers'}
              </button>`
            : nothing
        }
      </th>
      <td>${g.template ? 'template' : g.type === 'lxc' ? 'LXC' : 'VM'}</td>
      <td>${g.status}</td>
      <td>
        ${
          g.agentId
            ? html`<span class="muted" title="matched by ${g.matchBasis ?? 'link'}"
                >${g.matchBasis ?? 'linked'}</span
              >`
            : html`<span class="warn">no agent</span>`
        }
        ${
          enrollable && opts.onEnroll
            ? html`<button
                aria-label=${`Enroll ${label}`}
                ?disabled=${result === 'enrolling'}
                @click=${opts.onEnroll}
              >
                Enroll
              </button>`
            : nothing
        }
        ${
          result === 'enrolling'
            ? html`<span role="status">enrolling…</span>`
            : result
              ? html`<span role="status">${enrollmentOutcome(result)}</span>`
              : nothing
        }
      </td>
      <td>${pendingBadges(g.pending)}</td>
      <td class="hide-narrow">${g.tags.map((t) => html`<span class="badge">${t}</span>`)}</td>
    </tr>
    ${
      count > 0 && open
        ? html`<tr class="guest-containers">
            <td colspan="6">${containerList(`Containers of ${g.name}`, g.containers)}</td>
          </tr>`
        : nothing
    }`;
}
