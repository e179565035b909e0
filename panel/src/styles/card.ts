import { css } from 'lit';

/** The card's summary figures, in both of its modes (the API's and Home Assistant's). */
export const cardFigures = css`
  ul.figures {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(90px, 1fr));
    gap: 8px;
    list-style: none;
    padding: 0;
    margin: 0 0 8px;
  }
  .figures strong {
    display: block;
    font-size: 1.4rem;
  }
  .figures span {
    color: var(--rf-text-secondary);
    font-size: 0.85rem;
  }
`;
