import { html, LitElement } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { shared } from '../styles/theme.js';

/** A button that copies `text` to the clipboard and says so (for tokens and install lines). */
@customElement('rf-copy-button')
export class RfCopyButton extends LitElement {
  static override styles = [shared];
  @property() text = '';
  /** What is copied, for the button's accessible name ("Copy install command"). */
  @property() what = '';
  @state() private _said = '';

  override render() {
    return html`<button type="button" @click=${this._copy}>Copy ${this.what}</button>
      <span role="status" class="muted">${this._said}</span>`;
  }

  private async _copy(): Promise<void> {
    try {
      await navigator.clipboard.writeText(this.text);
      this._said = 'Copied';
    } catch {
      this._said = 'Copying was refused: select the text and copy it';
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rf-copy-button': RfCopyButton;
  }
}
