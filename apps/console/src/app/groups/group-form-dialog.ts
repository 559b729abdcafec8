import { ChangeDetectionStrategy, Component, DestroyRef, inject } from '@angular/core';
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
import { Alert } from '../core/ui/alert';
import { integer } from '../core/ui/validators';
import {
  type ApiKeyAction,
  CHANNEL_STYLE_KEYS,
  MODEL_ID_PATTERN,
  groupFormValue,
  hostList,
  groupRequestBody,
} from './group-form';
import { DialogSubmission } from '../core/ui/dialog-submission';

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
  private readonly submission = new DialogSubmission();
  protected readonly error = this.submission.error;
  protected readonly busy = this.submission.busy;
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
    trustedDestinations: [this.initial.trustedDestinations, hostList],
    budgetDay: this.fb.control<number | null>(this.initial.budgetDay, [Validators.min(1), integer]),
    budgetMonth: this.fb.control<number | null>(this.initial.budgetMonth, [Validators.min(1), integer]),
    contextWindow: this.fb.control<number | null>(this.initial.contextWindow, [
      Validators.min(1000),
      Validators.max(10_000_000),
      integer,
    ]),
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
    const body = groupRequestBody(this.form.getRawValue(), this.group);
    const saved = await this.submission.submit(
      this.form,
      () =>
        this.group
          ? updateAgentGroup({ client: this.api, path: { id: this.group.id }, body })
          : createAgentGroup({ client: this.api, body }),
      'The group could not be saved.',
    );
    if (saved) this.dialog.close(saved);
  }
}
