import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import {
  type AbstractControl,
  NonNullableFormBuilder,
  ReactiveFormsModule,
  type ValidationErrors,
  Validators,
} from '@angular/forms';
import { MatButton } from '@angular/material/button';
import { MatError, MatFormField, MatHint, MatLabel } from '@angular/material/form-field';
import { MatInput } from '@angular/material/input';
import { MatProgressSpinner } from '@angular/material/progress-spinner';
import { Router } from '@angular/router';
import { SessionStore } from '../../core/session/session.store';
import { Alert } from '../../core/ui/alert';
import { AuthLayout } from '../auth-layout';

/** The confirmation must repeat the password (the other rules are the gateway's to enforce). */
function sameAsPassword(control: AbstractControl<string>): ValidationErrors | null {
  const password = control.parent?.get('password')?.value as string | undefined;
  return control.value && password !== undefined && control.value !== password ? { mismatch: true } : null;
}

/** First run: create the admin account. The gateway answers with a session, as a login does. */
@Component({
  selector: 'lg-setup-page',
  imports: [
    Alert,
    AuthLayout,
    MatButton,
    MatError,
    MatFormField,
    MatHint,
    MatInput,
    MatLabel,
    MatProgressSpinner,
    ReactiveFormsModule,
  ],
  templateUrl: './setup.page.html',
  styleUrl: '../auth-form.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SetupPage {
  private readonly session = inject(SessionStore);
  private readonly router = inject(Router);

  protected readonly form = inject(NonNullableFormBuilder).group({
    username: ['', Validators.required],
    password: ['', Validators.required],
    confirm: ['', [Validators.required, sameAsPassword]],
  });
  protected readonly error = signal<string | null>(null);
  protected readonly busy = signal(false);

  constructor() {
    // Re-check the confirmation when the password changes after it.
    this.form.controls.password.valueChanges.subscribe(() => this.form.controls.confirm.updateValueAndValidity());
  }

  protected async submit(): Promise<void> {
    if (this.busy()) return;
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    this.busy.set(true);
    this.error.set(null);
    const { username, password } = this.form.getRawValue();
    const result = await this.session.setup({ username, password });
    this.busy.set(false);
    if (result.ok) {
      await this.router.navigateByUrl('/');
    } else {
      this.error.set(result.message);
    }
  }
}
