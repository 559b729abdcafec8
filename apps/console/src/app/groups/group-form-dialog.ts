import { ChangeDetectionStrategy, Component, DestroyRef, inject, signal } from '@angular/core';
import {
  type AbstractControl,
  NonNullableFormBuilder,
  ReactiveFormsModule,
  type ValidationErrors,
  Validators,
} from '@angular/forms';
import { MatButton } from '@angular/material/button';
import { MatCheckbox } from '@angular/material/checkbox';
import {
  MAT_DIALOG_DATA,
  MatDialogActions,
  MatDialogClose,
  MatDialogContent,
  MatDialogRef,
  MatDialogTitle,
} from '@angular/material/dialog';
import { MatExpansionPanel, MatExpansionPanelHeader, MatExpansionPanelTitle } from '@angular/material/expansion';
import { MatError, MatFormField, MatHint, MatLabel } from '@angular/material/form-field';
import { MatIcon } from '@angular/material/icon';
import { MatInput } from '@angular/material/input';
import { MatProgressSpinner } from '@angular/material/progress-spinner';
import { MatRadioButton, MatRadioGroup } from '@angular/material/radio';
import { type AgentGroupResponseDto, createAgentGroup, updateAgentGroup } from '@loop-gateway/api-client';
import { CHANNEL_NAMES } from '../activity/event-summary';
import { API_CLIENT } from '../core/api/api-client';
import { apiErrorMessage } from '../core/api/api-error';
import { Alert } from '../core/ui/alert';
import { integer } from '../core/ui/validators';
import {
  type ApiKeyAction,
  CHANNEL_STYLE_KEYS,
  MODEL_ID_PATTERN,
  groupFormValue,
  groupRequestBody,
} from './group-form';

export interface GroupFormData {
  /** The group to edit; none for a new one. */
  group?: AgentGroupResponseDto;
}

/** Create or edit an agent group; closes with the saved group, or shows what the gateway refused. */
@Component({
  selector: 'lg-group-form-dialog',
  imports: [
    Alert,
    MatButton,
    MatCheckbox,
    MatDialogActions,
    MatDialogClose,
    MatDialogContent,
    MatDialogTitle,
    MatError,
    MatExpansionPanel,
    MatExpansionPanelHeader,
    MatExpansionPanelTitle,
    MatFormField,
    MatHint,
    MatIcon,
    MatInput,
    MatLabel,
    MatProgressSpinner,
    MatRadioButton,
    MatRadioGroup,
    ReactiveFormsModule,
  ],
  templateUrl: './group-form-dialog.html',
  styleUrls: ['../core/ui/form-dialog.scss', './group-form-dialog.scss'],
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class GroupFormDialog {
  private readonly api = inject(API_CLIENT);
  private readonly dialog = inject<MatDialogRef<GroupFormDialog, AgentGroupResponseDto>>(MatDialogRef);

  protected readonly group = inject<GroupFormData>(MAT_DIALOG_DATA).group;
  protected readonly error = signal<string | null>(null);
  protected readonly busy = signal(false);
  protected readonly styleKeys = CHANNEL_STYLE_KEYS;
  protected readonly channelNames = CHANNEL_NAMES;

  private readonly initial = groupFormValue(this.group);
  private readonly fb = inject(NonNullableFormBuilder);
  protected readonly form = this.fb.group({
    name: [this.initial.name, [Validators.required, Validators.maxLength(100)]],
    model: [this.initial.model, Validators.pattern(MODEL_ID_PATTERN)],
    systemPrompt: [this.initial.systemPrompt, Validators.maxLength(50_000)],
    apiKeyAction: this.fb.control<ApiKeyAction>(this.initial.apiKeyAction),
    apiKey: [
      '',
      (control: AbstractControl<string>): ValidationErrors | null => {
        if (control.parent?.get('apiKeyAction')?.value !== 'replace') return null;
        const key = control.value.trim();
        if (!key) return { required: true };
        return key.length < 8 ? { minlength: true } : null;
      },
    ],
    skills: [this.initial.skills],
    budgetDay: this.fb.control<number | null>(this.initial.budgetDay, [Validators.min(1), integer]),
    budgetMonth: this.fb.control<number | null>(this.initial.budgetMonth, [Validators.min(1), integer]),
    styles: this.fb.group({
      telegram: [this.initial.styles.telegram, Validators.maxLength(4000)],
      whatsapp: [this.initial.styles.whatsapp, Validators.maxLength(4000)],
      email: [this.initial.styles.email, Validators.maxLength(4000)],
      mattermost: [this.initial.styles.mattermost, Validators.maxLength(4000)],
    }),
    isDefault: [{ value: this.initial.isDefault, disabled: this.group?.isDefault ?? false }],
  });

  constructor() {
    const subscription = this.form.controls.apiKeyAction.valueChanges.subscribe(() =>
      this.form.controls.apiKey.updateValueAndValidity(),
    );
    inject(DestroyRef).onDestroy(() => subscription.unsubscribe());
  }

  protected async save(): Promise<void> {
    if (this.busy()) return;
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    this.busy.set(true);
    this.error.set(null);
    const body = groupRequestBody(this.form.getRawValue(), this.group);
    const { data, error } = this.group
      ? await updateAgentGroup({ client: this.api, path: { id: this.group.id }, body })
      : await createAgentGroup({ client: this.api, body });
    this.busy.set(false);
    if (data) this.dialog.close(data);
    else this.error.set(apiErrorMessage(error, 'The group could not be saved.'));
  }
}
