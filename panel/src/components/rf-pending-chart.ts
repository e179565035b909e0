import { css, html, LitElement, svg } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { FleetStats } from '../data/api-types.js';

const W = 600;
const H = 160;
const PAD = 24;

/**
 * Open vs installed updates per day, drawn as SVG by hand: two polylines and an axis are a few
 * lines, where a chart library would be most of the bundle's size budget.
 */
@customElement('rf-pending-chart')
export class RfPendingChart extends LitElement {
  static override styles = css`
    figure {
      margin: 0;
    }
    svg {
      width: 100%;
      height: auto;
    }
    .open {
      stroke: var(--rf-primary);
    }
    .installed {
      stroke: var(--rf-success);
    }
    polyline {
      fill: none;
      stroke-width: 2;
    }
    .axis {
      stroke: var(--rf-divider);
    }
    text {
      fill: var(--rf-text-secondary);
      font-size: 11px;
    }
    .legend span::before {
      content: '';
      display: inline-block;
      width: 12px;
      height: 3px;
      margin-right: 4px;
      vertical-align: middle;
      background: currentColor;
    }
    .legend .o {
      color: var(--rf-primary);
      margin-right: 12px;
    }
    .legend .i {
      color: var(--rf-success);
    }
  `;

  @property({ attribute: false }) daily: FleetStats['daily'] = [];

  override render() {
    const days = this.daily;
    const max = Math.max(1, ...days.map((d) => Math.max(d.open, d.installed)));
    const x = (i: number) => PAD + (i * (W - 2 * PAD)) / Math.max(1, days.length - 1);
    const y = (v: number) => H - PAD - (v * (H - 2 * PAD)) / max;
    const line = (pick: (d: FleetStats['daily'][number]) => number) =>
      days.map((d, i) => `${x(i).toFixed(1)},${y(pick(d)).toFixed(1)}`).join(' ');
    const first = days[0]?.day ?? '';
    const last = days.at(-1)?.day ?? '';
    const open = days.at(-1)?.open ?? 0;
    const installed = days.reduce((n, d) => n + d.installed, 0);
    return html`<figure>
      <svg
        viewBox="0 0 ${W} ${H}"
        role="img"
        aria-label="Open updates (now ${open}) and installed updates (${installed} in ${days.length} days), per day from ${first} to ${last}"
      >
        ${svg`<line class="axis" x1=${PAD} y1=${H - PAD} x2=${W - PAD} y2=${H - PAD}></line>
        <polyline class="open" points=${line((d) => d.open)}></polyline>
        <polyline class="installed" points=${line((d) => d.installed)}></polyline>
        <text x=${PAD} y=${H - 6}>${first}</text>
        <text x=${W - PAD} y=${H - 6} text-anchor="end">${last}</text>
        <text x=${PAD} y=${PAD - 8}>${max}</text>`}
      </svg>
      <figcaption class="legend"><span class="o">open</span><span class="i">installed</span></figcaption>
    </figure>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rf-pending-chart': RfPendingChart;
  }
}
