import { signal } from '@angular/core';
import type { AbstractControl } from '@angular/forms';
import { apiErrorMessage } from '../api/api-error';

/**
 * What the form dialogs share: check the form, send it once at a time, and show the gateway's reason
 * when it refuses. `busy` and `error` drive the dialog's spinner and alert.
 */
export class DialogSubmission {
  readonly error = signal<string | null>(null);
  readonly busy = signal(false);

  /** The gateway's answer; null when the form is invalid, a save is under way, or the gateway refused. */
  async submit<T>(
    form: AbstractControl,
    call: () => Promise<{ data?: T; error?: unknown }>,
    failure: string,
  ): Promise<T | null> {
    if (this.busy()) return null;
    if (form.invalid) {
      form.markAllAsTouched();
      return null;
    }
    this.busy.set(true);
    this.error.set(null);
    const { data, error } = await call();
    this.busy.set(false);
    if (data === undefined) this.error.set(apiErrorMessage(error, failure));
    return data ?? null;
  }
}
