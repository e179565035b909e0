import { css } from 'lit';

/**
 * Screens up to this many CSS pixels wide get the narrow layout (Home Assistant's phone app
 * shows the panel 390 px wide): tables become cards, filters fold. One value for every page.
 */
export const NARROW_MAX_WIDTH = 600;

/**
 * The panel's colours and shapes as CSS custom properties. Each falls back first to Home
 * Assistant's theme variable (so the panel wears the user's HA theme under ingress and in a
 * Lovelace card), then to RedFlag's own light or dark default. Set on <rf-app> and <rf-card>;
 * custom properties inherit through shadow roots, so components only read `--rf-*`.
 */
export const theme = css`
  :host {
    --rf-primary: var(--primary-color, #b71c1c);
    --rf-on-primary: var(--text-primary-color, #ffffff);
    --rf-background: var(--primary-background-color, #f6f6f7);
    --rf-surface: var(--card-background-color, var(--ha-card-background, #ffffff));
    --rf-text: var(--primary-text-color, #1f1f1f);
    --rf-text-secondary: var(--secondary-text-color, #595e63);
    --rf-divider: var(--divider-color, #d6d8db);
    --rf-error: var(--error-color, #b3261e);
    --rf-warning: var(--warning-color, #8a5300);
    --rf-success: var(--success-color, #2e6b30);
    --rf-info: var(--info-color, #0b5f8a);
    --rf-focus: var(--rf-focus-color, var(--accent-color, #1a56db));
    --rf-radius: var(--ha-card-border-radius, 12px);
    --rf-font: var(--ha-font-family-body, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    --rf-mono: var(--code-font-family, ui-monospace, 'DejaVu Sans Mono', monospace);
    --rf-sev-critical: #a31515;
    --rf-sev-high: #a3400b;
    --rf-sev-medium: #7a5a00;
    --rf-sev-low: #2e6b30;
    --rf-sev-unknown: #5b6066;
    color-scheme: light dark;
    font-family: var(--rf-font);
    color: var(--rf-text);
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --rf-primary: var(--primary-color, #ff8a80);
      --rf-on-primary: var(--text-primary-color, #1b1b1b);
      --rf-background: var(--primary-background-color, #111315);
      --rf-surface: var(--card-background-color, var(--ha-card-background, #1d2023));
      --rf-text: var(--primary-text-color, #e8eaed);
      --rf-text-secondary: var(--secondary-text-color, #a9afb6);
      --rf-divider: var(--divider-color, #3a3f44);
      --rf-error: var(--error-color, #ff8a80);
      --rf-warning: var(--warning-color, #ffb74d);
      --rf-success: var(--success-color, #81c784);
      --rf-info: var(--info-color, #81d4fa);
      --rf-focus: var(--rf-focus-color, var(--accent-color, #8ab4f8));
    }
  }
`;

/** Links, secondary text and errors: the panel's pages and the Lovelace card alike. */
export const text = css`
  a {
    color: var(--rf-primary);
  }
  .muted {
    color: var(--rf-text-secondary);
  }
  .error {
    color: var(--rf-error);
  }
`;

/** Shared bits every page uses: cards, buttons, visible focus, form fields. */
export const shared = css`
  ${text}
  :host {
    display: block;
  }
  .card {
    background: var(--rf-surface);
    border: 1px solid var(--rf-divider);
    border-radius: var(--rf-radius);
    padding: 16px;
  }
  h1 {
    font-size: 1.4rem;
    margin: 0 0 16px;
  }
  h2 {
    font-size: 1.05rem;
    margin: 0 0 12px;
  }
  button,
  .button {
    font: inherit;
    border: 1px solid var(--rf-divider);
    background: var(--rf-surface);
    color: var(--rf-text);
    border-radius: 8px;
    padding: 6px 12px;
    cursor: pointer;
    min-height: 32px;
  }
  button.primary {
    background: var(--rf-primary);
    color: var(--rf-on-primary);
    border-color: var(--rf-primary);
  }
  button:disabled {
    opacity: 0.55;
    cursor: not-allowed;
  }
  input,
  select {
    font: inherit;
    color: var(--rf-text);
    background: var(--rf-surface);
    border: 1px solid var(--rf-divider);
    border-radius: 6px;
    padding: 6px 8px;
    min-height: 32px;
    box-sizing: border-box;
  }
  :focus-visible {
    outline: 3px solid var(--rf-focus);
    outline-offset: 2px;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
`;
