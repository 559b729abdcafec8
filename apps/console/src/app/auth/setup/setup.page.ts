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
import { SessionStore } from '../../core/session/session.store';
import { Alert } from '../../core/ui/alert';
import { AuthFormSubmission } from '../auth-form-submission';
import { AuthLayout } from '../auth-layout';

/** The confirmation must repeat the password (the other rules are the gateway's to enforce). */
function sameAsPassword(control: AbstractControl<string>): ValidationErrors | null {
  const password = control.parent?.get('password')?.value as string | undefined;
  return control.value && password !== undefined && control.value !== password ? { mismatch: true } : null;
}

/**
 * First run: create the admin account. The gateway answers with a session, as a login does. When
 * the gateway asks for a set-up code (it listens beyond loopback, or SETUP_TOKEN is set) the form
 * asks for it too.
 */
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

  protected readonly form = inject(NonNullableFormBuilder).group({
    username: ['', Validators.required],
    password: ['', Validators.required],
    confirm: ['', [Validators.required, sameAsPassword]],
    setupCode: [''],
  });
  /** Whether the gateway wants the set-up code (GET /api/auth/status). */
  protected readonly codeRequired = signal(false);
  private readonly submission = new AuthFormSubmission();
  protected readonly error = this.submission.error;
  protected readonly busy = this.submission.busy;

  constructor() {
    // Re-check the confirmation when the password changes after it.
    this.form.controls.password.valueChanges.subscribe(() => this.form.controls.confirm.updateValueAndValidity());
    void this.session.setupStatus().then((status) => {
      if (!status?.setupCodeRequired) return;
      this.form.controls.setupCode.setValidators(Validators.required);
      this.form.controls.setupCode.updateValueAndValidity();
      this.codeRequired.set(true);
    });
  }

  protected submit(): Promise<void> {
    const { username, password, setupCode } = this.form.getRawValue();
    const code = this.codeRequired() ? { setupCode: setupCode.trim() } : {};
    return this.submission.submit(this.form, () => this.session.setup({ username, password, ...code }));
  }
}
