import { css } from 'lit';
import { NARROW_MAX_WIDTH } from './theme.js';

/** Tables, badges, toolbars and forms shared by the hosts, history, enrollment and settings pages. */
export const pageStyles = css`
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
    align-items: end;
    margin-bottom: 12px;
  }
  .toolbar label,
  form.fields label {
    display: grid;
    gap: 2px;
    font-size: 0.9rem;
  }
  form.fields {
    display: flex;
    flex-wrap: wrap;
    gap: 12px;
    align-items: start;
  }
  form.fields button {
    align-self: end;
  }
  .field-error {
    color: var(--rf-error);
    font-size: 0.85rem;
    max-width: 28ch;
  }
  .table-wrap {
    overflow-x: auto;
  }
  table {
    border-collapse: collapse;
    width: 100%;
  }
  th,
  td {
    text-align: left;
    padding: 6px 8px;
    border-bottom: 1px solid var(--rf-divider);
    vertical-align: top;
  }
  th {
    font-size: 0.85rem;
    color: var(--rf-text-secondary);
    font-weight: 600;
  }
  .badge {
    display: inline-block;
    border-radius: 999px;
    padding: 1px 8px;
    font-size: 0.8rem;
    margin: 1px 2px 1px 0;
    border: 1px solid var(--rf-divider);
    white-space: nowrap;
  }
  .sev {
    color: #fff;
    border: none;
  }
  .sev-critical {
    background: var(--rf-sev-critical);
  }
  .sev-high {
    background: var(--rf-sev-high);
  }
  .sev-medium {
    background: var(--rf-sev-medium);
  }
  .sev-low {
    background: var(--rf-sev-low);
  }
  .sev-unknown {
    background: var(--rf-sev-unknown);
  }
  .online {
    color: var(--rf-success);
  }
  .offline {
    color: var(--rf-error);
  }
  .warn {
    color: var(--rf-warning);
  }
  .secret {
    font-family: var(--rf-mono);
    word-break: break-all;
    background: var(--rf-background);
    padding: 8px;
    border-radius: 6px;
    display: block;
  }
  section + section {
    margin-top: 16px;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
  }
  dl.facts {
    display: grid;
    grid-template-columns: max-content 1fr;
    gap: 4px 12px;
    margin: 0;
  }
  dl.facts dt {
    color: var(--rf-text-secondary);
  }
  dl.facts dd {
    margin: 0;
  }
  @media (max-width: ${NARROW_MAX_WIDTH}px) {
    .hide-narrow {
      display: none;
    }
  }
`;
