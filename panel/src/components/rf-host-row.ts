import { html, nothing, type TemplateResult } from 'lit';
import type { Agent } from '../data/api-types.js';
import type { RfContext } from '../data/context.js';
import { pendingOf } from '../data/hosts.js';

/**
 * One host as a table row (the hosts list and the tree share it); `indent` marks a guest. The
 * cells carry classes the hosts page lays out as a card on narrow screens (rf-hosts-page.ts).
 */
export function hostRow(ctx: RfContext, agent: Agent, indent = false): TemplateResult {
  const { bySeverity, total } = pendingOf(agent);
  // A copied identity is refused until an admin rebinds it (issue 21 §5).
  const status =
    agent.status === 'revoked'
      ? 'revoked'
      : agent.identityConflict
        ? 'needs attention'
        : agent.online
          ? 'online'
          : 'offline';
  return html`<tr class=${indent ? 'guest' : ''}>
    <th scope="row" class="host">
      <a href=${ctx.location.href(`/hosts/${agent.id}`)}>${agent.hostname}</a>
    </th>
    <td class="status"><span class=${status === 'online' ? 'online' : 'offline'}>${status}</span></td>
    <td class="os">${agent.os ?? ''}</td>
    <td class="hide-narrow">${agent.agentVersion ?? ''}</td>
    <td class="pending">
      ${
        total === 0
          ? html`<span class="muted">none</span>`
          : bySeverity.map(([s, n]) => html`<span class="badge sev sev-${s}" title="${s}">${n} ${s}</span>`)
      }
    </td>
    <td class="labels">${(agent.labels ?? []).map((l) => html`<span class="badge">${l}</span>`)}</td>
    <td class="reboot">
      ${agent.rebootRequired ? html`<span class="warn">reboot required</span>` : nothing}
    </td>
  </tr>`;
}

export function hostHead(): TemplateResult {
  return html`<thead>
    <tr>
      <th scope="col">Host</th>
      <th scope="col">Status</th>
      <th scope="col">OS</th>
      <th scope="col">Agent</th>
      <th scope="col">Pending</th>
      <th scope="col">Labels</th>
      <th scope="col">Reboot</th>
    </tr>
  </thead>`;
}
