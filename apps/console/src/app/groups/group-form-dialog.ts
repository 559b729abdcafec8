import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal } from '@angular/core';
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
import { MatOption, MatSelect } from '@angular/material/select';
import {
  type AgentGroupResponseDto,
  type SkillResponseDto,
  createAgentGroup,
  listAgentSkills,
  listSkills,
  updateAgentGroup,
} from '@loop-gateway/api-client';
import { CHANNEL_NAMES } from '../activity/event-summary';
import { API_CLIENT } from '../core/api/api-client';
import { Alert } from '../core/ui/alert';
import { MAX_BUDGET_TOKENS, integer, notBlank } from '../core/ui/validators';
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
    MatOption,
    MatRadioButton,
    MatRadioGroup,
    MatSelect,
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
    name: [this.initial.name, [notBlank, Validators.maxLength(100)]],
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
    skills: this.fb.control<string[]>(this.initial.skills),
    trustedDestinations: [this.initial.trustedDestinations, hostList],
    budgetDay: this.fb.control<number | null>(this.initial.budgetDay, [
      Validators.min(1),
      Validators.max(MAX_BUDGET_TOKENS),
      integer,
    ]),
    budgetMonth: this.fb.control<number | null>(this.initial.budgetMonth, [
      Validators.min(1),
      Validators.max(MAX_BUDGET_TOKENS),
      integer,
    ]),
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

  /** The gateway's skills to choose from; null until loaded. */
  private readonly known = signal<readonly Pick<SkillResponseDto, 'name' | 'description'>[] | null>(null);
  protected readonly skillsError = signal<string | null>(null);
  /** The known skills, plus any the group names that the gateway no longer has (so they can be removed). */
  protected readonly skillOptions = computed(() => {
    const known = this.known() ?? [];
    const names = new Set(known.map((skill) => skill.name));
    const missing = this.initial.skills.filter((name) => !names.has(name));
    return [
      ...known.map((skill) => ({ name: skill.name, description: skill.description, missing: false })),
      ...missing.map((name) => ({ name, description: 'No longer a skill of this gateway', missing: true })),
    ];
  });

  constructor() {
    // Tools and skills, then the valid Agent Skills (a group's skills name those too).
    void Promise.all([listSkills({ client: this.api }), listAgentSkills({ client: this.api })]).then(
      ([{ data }, { data: agentSkills }]) => {
        const valid = (agentSkills ?? []).filter((skill) => !skill.error);
        this.known.set([
          ...(data ?? []),
          ...valid.map((skill) => ({ name: skill.name, description: `Agent Skill: ${skill.description}` })),
        ]);
        if (!data) this.skillsError.set('The skills could not be loaded; the group keeps its current ones.');
      },
    );
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
