import { html, nothing, type TemplateResult } from 'lit';

/**
 * A labelled field with its error under it, tied by aria-describedby. `control` gets
 * `aria-invalid` and the description id from the caller (ids must be unique in the shadow root).
 */
export function formField(
  id: string,
  label: string,
  control: TemplateResult,
  error?: string,
): TemplateResult {
  return html`<label for=${id}
    >${label} ${control}
    ${error ? html`<span class="field-error" id="${id}-error">${error}</span>` : nothing}</label
  >`;
}

export const invalid = (error?: string) => (error ? 'true' : 'false');
