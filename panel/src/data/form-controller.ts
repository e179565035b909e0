import type { ReactiveControllerHost } from 'lit';
import { fieldErrors } from './field-errors.js';

/** Errors by body field; `''` holds the ones about no one field. */
export type FormErrors = Record<string, string>;

export interface FormSubmission {
  /** The page's own checks, before asking the core; an empty answer lets the form go. */
  check?: (data: FormData) => FormErrors;
  /** Asks the core; throwing puts the answer's errors next to their fields. */
  send: (data: FormData) => Promise<unknown>;
}

/** A form field's text, trimmed. */
export const formText = (data: FormData, name: string): string => String(data.get(name) ?? '').trim();

/**
 * One form's submission (issue 22 §1: the settings, enrollment, sign-in and setup pages each
 * wrote it): the page's checks, then the request with the button disabled; on success the form
 * is cleared, on failure each error lands next to its field (`errorsOf`, by default the API's
 * validation answer read field by field).
 */
export class FormController {
  busy = false;
  errors: FormErrors = {};

  constructor(
    private readonly _host: ReactiveControllerHost,
    private readonly _errorsOf: (err: unknown) => FormErrors = fieldErrors,
  ) {}

  async submit(ev: SubmitEvent, { check, send }: FormSubmission): Promise<void> {
    ev.preventDefault();
    const form = ev.target as HTMLFormElement;
    const data = new FormData(form);
    this.errors = check?.(data) ?? {};
    this._host.requestUpdate();
    if (Object.keys(this.errors).length) return;
    this.busy = true;
    try {
      await send(data);
      form.reset();
    } catch (err) {
      this.errors = this._errorsOf(err);
    } finally {
      this.busy = false;
      this._host.requestUpdate();
    }
  }
}

/** The message of a failure, for the forms that show one line rather than errors by field. */
export const messageOf = (err: unknown): FormErrors => ({
  '': err instanceof Error ? err.message : String(err),
});
