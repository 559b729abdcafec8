import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButton } from '@angular/material/button';
import { MatError, MatFormField, MatLabel } from '@angular/material/form-field';
import { MatInput } from '@angular/material/input';
import { MatProgressSpinner } from '@angular/material/progress-spinner';
import { Router } from '@angular/router';
import { SessionStore } from '../../core/session/session.store';
import { Alert } from '../../core/ui/alert';
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
  private readonly router = inject(Router);

  protected readonly form = inject(NonNullableFormBuilder).group({
    username: ['', Validators.required],
    password: ['', Validators.required],
  });
  protected readonly error = signal<string | null>(null);
  protected readonly busy = signal(false);
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

  protected async submit(): Promise<void> {
    if (this.busy()) return;
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    this.busy.set(true);
    this.error.set(null);
    const result = await this.session.login(this.form.getRawValue());
    this.busy.set(false);
    if (result.ok) {
      await this.router.navigateByUrl('/');
    } else {
      this.error.set(result.message);
    }
  }
}
