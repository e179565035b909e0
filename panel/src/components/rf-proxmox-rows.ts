import { html, nothing, type TemplateResult } from 'lit';
import type { PendingCounts, ProxmoxEnrollmentResult, ProxmoxTreeGuest } from '../data/api-types.js';
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
}

/**
 * One guest (LXC or VM) of a node: linked to its host's page when an agent runs there; without
 * one, marked "no agent" with an Enroll action for a container (issue 23 §6).
 */
export function guestRow(ctx: RfContext, g: ProxmoxTreeGuest, opts: GuestRowOptions = {}): TemplateResult {
  const label = `${g.vmid} ${g.name}`;
  const enrollable = !g.agentId && g.type === 'lxc' && !g.template;
  const result = opts.enrollment;
  return html`<tr>
    <th scope="row">
      ${g.agentId ? html`<a href=${ctx.location.href(`/hosts/${g.agentId}`)}>${label}</a>` : label}
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
  </tr>`;
}
