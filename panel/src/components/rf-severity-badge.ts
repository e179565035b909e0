import { css, html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Severity } from '../data/api-types.js';

/** A severity as a coloured label (white on the --rf-sev-* colours passes WCAG AA). */
@customElement('rf-severity-badge')
export class RfSeverityBadge extends LitElement {
  static override styles = css`
    span {
      display: inline-block;
      padding: 1px 8px;
      border-radius: 999px;
      color: #fff;
      font-size: 0.8rem;
      font-weight: 600;
      background: var(--rf-sev-unknown);
    }
    .critical {
      background: var(--rf-sev-critical);
    }
    .high {
      background: var(--rf-sev-high);
    }
    .medium {
      background: var(--rf-sev-medium);
    }
    .low {
      background: var(--rf-sev-low);
    }
  `;

  @property() severity: Severity = 'unknown';

  override render() {
    return html`<span class=${this.severity}>${this.severity}</span>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rf-severity-badge': RfSeverityBadge;
  }
}
