import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButton } from '@angular/material/button';
import { MatError, MatFormField, MatLabel } from '@angular/material/form-field';
import { MatInput } from '@angular/material/input';
import { MatProgressSpinner } from '@angular/material/progress-spinner';
import { SessionStore } from '../../core/session/session.store';
import { Alert } from '../../core/ui/alert';
import { AuthFormSubmission } from '../auth-form-submission';
import { AuthLayout } from '../auth-layout';

@Component({
  selector: 'lg-login-page',
  imports: [
    Alert,
    AuthLayout,
    MatButton,
    MatError,
    MatFormField,
    MatInput,
    MatLabel,
    MatProgressSpinner,
    ReactiveFormsModule,
  ],
  templateUrl: './login.page.html',
  styleUrl: '../auth-form.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class LoginPage {
  private readonly session = inject(SessionStore);

  protected readonly form = inject(NonNullableFormBuilder).group({
    username: ['', Validators.required],
    password: ['', Validators.required],
  });
  private readonly submission = new AuthFormSubmission();
  protected readonly error = this.submission.error;
  protected readonly busy = this.submission.busy;
  protected readonly notice = computed(() => {
    if (this.error()) return null;
    switch (this.session.endReason()) {
      case 'expired':
        return 'Your session has ended. Please log in again.';
      case 'logout':
        return 'You have logged out.';
      default:
        return null;
    }
  });

  protected submit(): Promise<void> {
    return this.submission.submit(this.form, () => this.session.login(this.form.getRawValue()));
  }
}
