import { inject, signal } from '@angular/core';
import type { FormGroup } from '@angular/forms';
import { Router } from '@angular/router';
import type { AuthResult } from '../core/session/session.store';

/**
 * What the set-up and login forms share: validate, call the gateway once at a time, show its message
 * on failure, and enter the console on success. Create it in a component's injection context.
 */
export class AuthFormSubmission {
  private readonly router = inject(Router);
  readonly error = signal<string | null>(null);
  readonly busy = signal(false);

  async submit(form: FormGroup, call: () => Promise<AuthResult>): Promise<void> {
    if (this.busy()) return;
    if (form.invalid) {
      form.markAllAsTouched();
      return;
    }
    this.busy.set(true);
    this.error.set(null);
    const result = await call();
    this.busy.set(false);
    if (result.ok) {
      await this.router.navigateByUrl('/');
    } else {
      this.error.set(result.message);
    }
  }
}
