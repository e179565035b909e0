import { html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { AgentMetrics } from '../data/api-types.js';
import { formatBytes, formatDuration } from '../data/hosts.js';
import { pageStyles } from '../styles/pages.js';
import { shared } from '../styles/theme.js';

/** The agent's latest metrics sample: memory, disks, load, uptime, reboot required. */
@customElement('rf-host-metrics')
export class RfHostMetrics extends LitElement {
  static override styles = [shared, pageStyles];
  @property({ attribute: false }) metrics: AgentMetrics | null = null;
  @property({ type: Boolean }) rebootRequired = false;

  override render() {
    const m = this.metrics;
    if (!m) return html`<p class="muted">No metrics received from this agent yet.</p>`;
    const used = (total: number, free: number) => `${formatBytes(total - free)} of ${formatBytes(total)}`;
    return html`<dl class="facts">
      ${
        m.memory
          ? html`<dt>Memory used</dt>
              <dd>${used(m.memory.totalBytes, m.memory.availableBytes)}</dd>`
          : nothing
      }
      ${(m.disks ?? []).map(
        (d) =>
          html`<dt>Disk ${d.mount}</dt>
            <dd>${used(d.totalBytes, d.freeBytes)}</dd>`,
      )}
      ${
        m.load
          ? html`<dt>Load</dt>
              <dd>${m.load.map((l) => l.toFixed(2)).join(' ')}</dd>`
          : nothing
      }
      ${
        m.uptimeSec !== undefined
          ? html`<dt>Uptime</dt>
              <dd>${formatDuration(m.uptimeSec)}</dd>`
          : nothing
      }
      <dt>Reboot required</dt>
      <dd>${this.rebootRequired ? 'yes' : 'no'}</dd>
      ${
        m.reportedAt
          ? html`<dt>Sampled</dt>
              <dd>${new Date(m.reportedAt).toLocaleString()}</dd>`
          : nothing
      }
    </dl>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rf-host-metrics': RfHostMetrics;
  }
}
