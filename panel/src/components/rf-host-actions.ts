import { html, nothing } from 'lit';
import type { Agent } from '../data/api-types.js';
import { packageManagersOf } from '../data/hosts.js';
import type { RfHostPage } from './rf-host-page.js';

/** The host page's actions: scan per package manager, install approved, reboot, update agent, revoke. */
export function hostActions(page: RfHostPage, a: Agent) {
  const { ctx } = page;
  if (!ctx.session.can('operator') || a.status === 'revoked') return nothing;
  const busy = page._busy !== null;
  const approved = page._updates.filter((u) => u.status === 'approved');
  const issue =
    (type: string, params: Record<string, unknown> = {}) =>
    () =>
      ctx.api.commands.issue(a.id, type, params);
  return html`<section class="card" aria-label="Actions">
    <h2>Actions</h2>
    <div class="actions">
      ${packageManagersOf(a).map(
        (plugin) =>
          html`<button
            ?disabled=${busy}
            @click=${() => void page._run(`scan ${plugin}`, issue('scan', { plugin }), `Scan of ${plugin} queued`)}
          >
            Scan ${plugin} now
          </button>`,
      )}
      <button
        ?disabled=${busy || approved.length === 0}
        @click=${() => void page._run('install', () => ctx.api.updates.install(approved), `Install of ${approved.length} approved updates started`)}
      >
        Install approved (${approved.length})
      </button>
      <button ?disabled=${busy} @click=${() => void page._run('reboot', issue('reboot'), 'Reboot queued')}>
        Reboot
      </button>
      ${
        ctx.session.can('admin')
          ? html`<button
                ?disabled=${busy}
                @click=${() => void page._run('update', () => ctx.api.agents.updateAgent(a.id), 'Agent update queued')}
              >
                Update agent
              </button>
              <button
                ?disabled=${busy}
                aria-expanded=${page._confirmRevoke ? 'true' : 'false'}
                @click=${() => (page._confirmRevoke = true)}
              >
                Revoke…
              </button>`
          : nothing
      }
    </div>
    ${
      page._confirmRevoke
        ? html`<div role="alertdialog" aria-label="Confirm revoke" class="card" style="margin-top: 12px">
            <p>
              Revoke <strong>${a.hostname}</strong>? It is disconnected at once and can only come back by
              registering again.
            </p>
            <div class="actions">
              <button
                class="primary"
                @click=${() => {
                  page._confirmRevoke = false;
                  void page._run('revoke', () => ctx.api.agents.revoke(a.id), `${a.hostname} revoked`);
                }}
              >
                Revoke ${a.hostname}
              </button>
              <button @click=${() => (page._confirmRevoke = false)}>Cancel</button>
            </div>
          </div>`
        : nothing
    }
  </section>`;
}
