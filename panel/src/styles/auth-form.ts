import { css } from 'lit';

/** The layout the setup and sign-in pages share: one centred card with stacked fields. */
export const authFormStyles = css`
  :host {
    display: grid;
    place-items: center;
    min-height: 100vh;
    padding: 16px;
    box-sizing: border-box;
  }
  main {
    width: min(380px, 100%);
  }
  form {
    display: grid;
    gap: 12px;
  }
  label {
    display: grid;
    gap: 4px;
  }
  .error {
    margin: 0;
  }
`;
