import { css } from 'lit';
import { NARROW_MAX_WIDTH } from './theme.js';

/**
 * On narrow screens a `table.cards` becomes a list of cards: every row a small grid whose
 * areas the component names (`grid-template-areas` on `tr`, `grid-area` on its cells), so
 * nothing runs off the right edge. The table stays a table for screen readers; the header row
 * is hidden unless the component keeps it (`thead.keep`, a bar of sort buttons).
 */
export const narrowCards = css`
  @media (max-width: ${NARROW_MAX_WIDTH}px) {
    table.cards,
    table.cards tbody {
      display: block;
    }
    table.cards thead:not(.keep) {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip: rect(0 0 0 0);
      white-space: nowrap;
    }
    table.cards thead.keep {
      display: block;
    }
    table.cards thead.keep tr {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 4px 12px;
      padding-bottom: 6px;
      border-bottom: 1px solid var(--rf-divider);
    }
    table.cards thead.keep th {
      border: none;
      padding: 2px 0;
    }
    table.cards tbody tr {
      display: grid;
      gap: 2px 8px;
      align-items: baseline;
      padding: 10px 0;
      border-bottom: 1px solid var(--rf-divider);
    }
    table.cards tbody tr:last-child {
      border-bottom: none;
    }
    table.cards tbody td,
    table.cards tbody th {
      display: block;
      min-width: 0;
      padding: 0;
      border: none;
      overflow-wrap: anywhere;
    }
    table.cards tbody .hide-narrow {
      display: none;
    }
  }
`;
