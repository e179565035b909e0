import { html, nothing, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';

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

/** What an input may say besides its name; `value` is the default a form reset restores. */
export interface InputOptions {
  type?: 'text' | 'number' | 'password';
  value?: string;
  maxlength?: number;
  min?: number;
  max?: number;
  autocomplete?: string;
}

/** A labelled input for the body field `name`, with the error the page or the core gave it. */
export function inputField(
  id: string,
  label: string,
  name: string,
  error: string | undefined,
  o: InputOptions = {},
): TemplateResult {
  return formField(
    id,
    label,
    html`<input
      id=${id}
      name=${name}
      type=${o.type ?? 'text'}
      value=${ifDefined(o.value)}
      maxlength=${ifDefined(o.maxlength)}
      min=${ifDefined(o.min)}
      max=${ifDefined(o.max)}
      autocomplete=${ifDefined(o.autocomplete)}
      aria-invalid=${invalid(error)}
      aria-describedby=${error ? `${id}-error` : nothing}
    />`,
    error,
  );
}

/** The errors about no one field (`''`), under the form. */
export const formError = (errors: Record<string, string>) =>
  errors[''] ? html`<p class="error" role="alert">${errors['']}</p>` : nothing;
