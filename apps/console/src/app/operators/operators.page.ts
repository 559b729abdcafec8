import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import {
  type AbstractControl,
  NonNullableFormBuilder,
  ReactiveFormsModule,
  type ValidationErrors,
  Validators,
} from '@angular/forms';
import { MatButton } from '@angular/material/button';
import { MatCard, MatCardContent, MatCardHeader, MatCardTitle } from '@angular/material/card';
import { MatDialog } from '@angular/material/dialog';
import { MatError, MatFormField, MatHint, MatLabel } from '@angular/material/form-field';
import { MatIcon } from '@angular/material/icon';
import { MatInput } from '@angular/material/input';
import { MatOption, MatSelect } from '@angular/material/select';
import type { OperatorResponseDto, SessionResponseDto } from '@loop-gateway/api-client';
import { SessionStore } from '../core/session/session.store';
import { Alert } from '../core/ui/alert';
import { ConfirmDialog, type ConfirmDialogData } from '../core/ui/confirm-dialog';
import { PageHeader } from '../core/ui/page-header';
import { OperatorsStore } from './operators.store';

type Role = OperatorResponseDto['role'];
export const ROLE_LABELS: Record<Role, string> = {
  admin: 'Admin: changes everything',
  viewer: 'Viewer: reads everything, changes nothing',
};

/** Same rule as the gateway's set-up: 3–64 letters, digits, ".", "_" or "-". */
const USERNAME = /^[A-Za-z0-9._-]{3,64}$/;

const sameNewPassword = (group: AbstractControl): ValidationErrors | null =>
  group.get('newPassword')?.value === group.get('confirm')?.value ? null : { mismatch: true };

/** Operators: who may use the console and with which role; one's own password and sessions. */
@Component({
  selector: 'lg-operators-page',
  imports: [
    Alert,
    DatePipe,
    MatButton,
    MatCard,
    MatCardContent,
    MatCardHeader,
    MatCardTitle,
    MatError,
    MatFormField,
    MatHint,
    MatIcon,
    MatInput,
    MatLabel,
    MatOption,
    MatSelect,
    PageHeader,
    ReactiveFormsModule,
  ],
  providers: [OperatorsStore],
  templateUrl: './operators.page.html',
  styleUrl: './operators.page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class OperatorsPage {
  private readonly store = inject(OperatorsStore);
  private readonly dialog = inject(MatDialog);
  private readonly fb = inject(NonNullableFormBuilder);
  private readonly me = inject(SessionStore).user;

  protected readonly operators = this.store.operators;
  protected readonly sessions = this.store.sessions;
  protected readonly error = this.store.error;
  protected readonly isAdmin = computed(() => this.me()?.role === 'admin');
  protected readonly myId = computed(() => this.me()?.id);
  protected readonly roleLabels = ROLE_LABELS;
  protected readonly roles = Object.keys(ROLE_LABELS) as Role[];
  protected readonly addError = signal<string | null>(null);
  protected readonly passwordError = signal<string | null>(null);
  protected readonly passwordDone = signal<string | null>(null);
  protected readonly actionError = signal<string | null>(null);
  protected readonly busy = signal(false);

  protected readonly addForm = this.fb.group({
    username: ['', [Validators.required, Validators.pattern(USERNAME)]],
    password: ['', [Validators.required, Validators.minLength(10), Validators.maxLength(256)]],
    role: this.fb.control<Role>('viewer'),
  });

  protected readonly passwordForm = this.fb.group(
    {
      currentPassword: ['', Validators.required],
      newPassword: ['', [Validators.required, Validators.minLength(10), Validators.maxLength(256)]],
      confirm: [''],
    },
    { validators: sameNewPassword },
  );

  constructor() {
    void this.store.load();
  }

  protected async add(): Promise<void> {
    if (this.addForm.invalid) {
      this.addForm.markAllAsTouched();
      return;
    }
    this.busy.set(true);
    const value = this.addForm.getRawValue();
    const problem = await this.store.add({
      username: value.username.trim(),
      password: value.password,
      role: value.role,
    });
    this.busy.set(false);
    this.addError.set(problem);
    if (!problem) this.addForm.reset();
  }

  protected async changePassword(): Promise<void> {
    this.passwordDone.set(null);
    if (this.passwordForm.invalid) {
      this.passwordForm.markAllAsTouched();
      return;
    }
    this.busy.set(true);
    const { currentPassword, newPassword } = this.passwordForm.getRawValue();
    const result = await this.store.changePassword(currentPassword, newPassword);
    this.busy.set(false);
    if (typeof result === 'string') {
      this.passwordError.set(result);
      return;
    }
    this.passwordError.set(null);
    this.passwordForm.reset();
    this.passwordDone.set(result === 0 ? 'Password changed.' : `Password changed; ${result} other session(s) ended.`);
  }

  protected confirmDelete(operator: OperatorResponseDto): void {
    this.actionError.set(null);
    this.dialog.open<ConfirmDialog, ConfirmDialogData, boolean>(ConfirmDialog, {
      data: {
        title: `Delete ${operator.username}?`,
        message: 'Their sessions end at once; they can no longer log in.',
        confirmLabel: 'Delete',
        action: () => this.store.remove(operator),
      },
      width: '440px',
    });
  }

  protected async revoke(session: SessionResponseDto): Promise<void> {
    this.actionError.set(await this.store.revoke(session));
  }
}
