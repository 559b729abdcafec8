import { ClipboardModule } from '@angular/cdk/clipboard';
import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButton, MatIconButton } from '@angular/material/button';
import { MatCard, MatCardContent } from '@angular/material/card';
import { MatDialog } from '@angular/material/dialog';
import { MatError, MatFormField, MatHint, MatLabel } from '@angular/material/form-field';
import { MatIcon } from '@angular/material/icon';
import { MatInput } from '@angular/material/input';
import { MatProgressBar } from '@angular/material/progress-bar';
import { MatOption, MatSelect } from '@angular/material/select';
import { MatTooltip } from '@angular/material/tooltip';
import type { ApiKeyCreateDto, ApiKeyResponseDto } from '@loop-gateway/api-client';
import { Alert } from '../core/ui/alert';
import { ConfirmDialog, type ConfirmDialogData } from '../core/ui/confirm-dialog';
import { PageHeader } from '../core/ui/page-header';
import { ApiKeysStore } from './api-keys.store';
import { IfAdmin } from '../core/session/if-admin';

type Scope = ApiKeyResponseDto['scope'];
const SCOPES: { value: Scope; label: string }[] = [
  { value: 'full', label: 'Full: everything but managing keys' },
  { value: 'runs', label: 'Runs only: invoke agents and read runs' },
  { value: 'read', label: 'Read only' },
];

/** API keys for n8n, Make.com and scripts: created here, shown once, revoked at once. */
@Component({
  selector: 'lg-api-keys-page',
  imports: [
    IfAdmin,
    Alert,
    ClipboardModule,
    DatePipe,
    MatButton,
    MatCard,
    MatCardContent,
    MatError,
    MatFormField,
    MatHint,
    MatIcon,
    MatIconButton,
    MatInput,
    MatLabel,
    MatOption,
    MatProgressBar,
    MatSelect,
    MatTooltip,
    PageHeader,
    ReactiveFormsModule,
  ],
  providers: [ApiKeysStore],
  templateUrl: './api-keys.page.html',
  styleUrl: './api-keys.page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ApiKeysPage {
  private readonly store = inject(ApiKeysStore);
  private readonly dialog = inject(MatDialog);
  private readonly fb = inject(NonNullableFormBuilder);

  protected readonly keys = this.store.keys;
  protected readonly error = this.store.error;
  protected readonly loading = this.store.loading;
  protected readonly scopes = SCOPES;
  protected readonly scopeLabels = Object.fromEntries(SCOPES.map((s) => [s.value, s.label.split(':')[0]])) as Record<
    Scope,
    string
  >;
  protected readonly formError = signal<string | null>(null);
  protected readonly actionError = signal<string | null>(null);
  protected readonly saving = signal(false);
  /** The key just created: shown once, until the operator dismisses it. */
  protected readonly created = signal<{ name: string; key: string } | null>(null);

  protected readonly form = this.fb.group({
    name: ['', [Validators.required, Validators.maxLength(100)]],
    scope: ['full' as Scope],
    expiresOn: [''],
    rateLimitPerMinute: ['', [Validators.min(1), Validators.max(100_000)]],
  });

  constructor() {
    void this.store.load();
  }

  protected async create(): Promise<void> {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const value = this.form.getRawValue();
    const body: ApiKeyCreateDto = { name: value.name.trim(), scope: value.scope };
    // A date picked in the console ends at that day's end, local time.
    if (value.expiresOn) body.expiresAt = new Date(`${value.expiresOn}T23:59:59`).toISOString();
    if (value.rateLimitPerMinute !== '') body.rateLimitPerMinute = Number(value.rateLimitPerMinute);
    this.saving.set(true);
    this.formError.set(null);
    const result = await this.store.create(body);
    this.saving.set(false);
    if (typeof result === 'string') {
      this.formError.set(result);
      return;
    }
    this.created.set({ name: result.name, key: result.key });
    this.form.reset();
  }

  protected confirmRevoke(key: ApiKeyResponseDto): void {
    this.actionError.set(null);
    this.dialog.open<ConfirmDialog, ConfirmDialogData, boolean>(ConfirmDialog, {
      data: {
        title: `Revoke ${key.name}?`,
        message: 'The key is refused from the next request on; workflows that use it stop working.',
        confirmLabel: 'Revoke',
        action: () => this.store.revoke(key),
      },
      width: '440px',
    });
  }
}
