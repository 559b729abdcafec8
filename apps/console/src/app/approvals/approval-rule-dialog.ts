import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButton, MatIconButton } from '@angular/material/button';
import { MatOption } from '@angular/material/core';
import {
  MAT_DIALOG_DATA,
  MatDialogActions,
  MatDialogClose,
  MatDialogContent,
  MatDialogRef,
  MatDialogTitle,
} from '@angular/material/dialog';
import { MatError, MatFormField, MatHint, MatLabel } from '@angular/material/form-field';
import { MatIcon } from '@angular/material/icon';
import { MatInput } from '@angular/material/input';
import { MatProgressSpinner } from '@angular/material/progress-spinner';
import { MatSelect } from '@angular/material/select';
import { MatSlideToggle } from '@angular/material/slide-toggle';
import { type ApprovalRuleDto, saveApprovalRule } from '@loop-gateway/api-client';
import { API_CLIENT } from '../core/api/api-client';
import { Alert } from '../core/ui/alert';
import { integer } from '../core/ui/validators';
import {
  type RuleFormValue,
  type RiskLevel,
  type TimeoutAction,
  ruleFormValue,
  ruleRequestBody,
} from './approval-rule-form';
import { DialogSubmission } from '../core/ui/dialog-submission';

export interface ApprovalRuleDialogData {
  toolName: string;
  /** The tool's rule; null to create one. */
  rule: ApprovalRuleDto | null;
  /** What applies to the tool without a rule: the starting point of a new one. */
  fallback: Omit<RuleFormValue, 'autoApprove'>;
}

/** The gateway's limits on a rule's timeout. */
export const TIMEOUT_MIN_SECONDS = 10;
export const TIMEOUT_MAX_SECONDS = 604_800;

/** Create or edit the approval rule of one tool; closes with the saved rule, or shows what the gateway refused. */
@Component({
  selector: 'lg-approval-rule-dialog',
  imports: [
    Alert,
    MatButton,
    MatDialogActions,
    MatDialogClose,
    MatDialogContent,
    MatDialogTitle,
    MatError,
    MatFormField,
    MatHint,
    MatIcon,
    MatIconButton,
    MatInput,
    MatLabel,
    MatOption,
    MatProgressSpinner,
    MatSelect,
    MatSlideToggle,
    ReactiveFormsModule,
  ],
  templateUrl: './approval-rule-dialog.html',
  styleUrl: './approval-rule-dialog.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ApprovalRuleDialog {
  private readonly api = inject(API_CLIENT);
  private readonly dialog = inject<MatDialogRef<ApprovalRuleDialog, ApprovalRuleDto>>(MatDialogRef);
  private readonly fb = inject(NonNullableFormBuilder);

  protected readonly data = inject<ApprovalRuleDialogData>(MAT_DIALOG_DATA);
  private readonly submission = new DialogSubmission();
  protected readonly error = this.submission.error;
  protected readonly busy = this.submission.busy;
  protected readonly minSeconds = TIMEOUT_MIN_SECONDS;
  protected readonly maxSeconds = TIMEOUT_MAX_SECONDS;

  private readonly initial = ruleFormValue(this.data.rule, this.data.fallback);
  protected readonly form = this.fb.group({
    riskLevel: this.fb.control<RiskLevel>(this.initial.riskLevel),
    requireApproval: [this.initial.requireApproval],
    timeoutSeconds: this.fb.control<number | null>(this.initial.timeoutSeconds, [
      Validators.required,
      Validators.min(TIMEOUT_MIN_SECONDS),
      Validators.max(TIMEOUT_MAX_SECONDS),
      integer,
    ]),
    timeoutAction: this.fb.control<TimeoutAction>(this.initial.timeoutAction),
    autoApprove: this.fb.array(this.initial.autoApprove.map(({ field, pattern }) => this.patternRow(field, pattern))),
  });

  protected addPattern(): void {
    this.form.controls.autoApprove.push(this.patternRow('', ''));
  }

  protected removePattern(index: number): void {
    this.form.controls.autoApprove.removeAt(index);
  }

  protected async save(): Promise<void> {
    const rule = await this.submission.submit(
      this.form,
      () => saveApprovalRule({ client: this.api, body: ruleRequestBody(this.data.toolName, this.form.getRawValue()) }),
      'The rule could not be saved.',
    );
    if (rule) this.dialog.close(rule);
  }

  private patternRow(field: string, pattern: string) {
    return this.fb.group({
      field: [field, [Validators.required, Validators.maxLength(100)]],
      pattern: [pattern, [Validators.required, Validators.maxLength(500)]],
    });
  }
}
