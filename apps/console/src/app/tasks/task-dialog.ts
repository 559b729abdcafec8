import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButton } from '@angular/material/button';
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
import { MatInput } from '@angular/material/input';
import { MatProgressSpinner } from '@angular/material/progress-spinner';
import { MatSelect } from '@angular/material/select';
import { type AgentGroupResponseDto, type TaskCreateDto, type TaskDto, createTask } from '@loop-gateway/api-client';
import { API_CLIENT } from '../core/api/api-client';
import { Alert } from '../core/ui/alert';
import { integer } from '../core/ui/validators';
import { DialogSubmission } from '../core/ui/dialog-submission';

export interface TaskDialogData {
  /** For the group picker. */
  groups: readonly AgentGroupResponseDto[];
}

/** The gateway's limit on a task's build iterations. */
export const MAX_TASK_ITERATIONS = 1000;

/** Starts a new loop task; closes with it, or shows what the gateway refused. */
@Component({
  selector: 'lg-task-dialog',
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
    MatInput,
    MatLabel,
    MatOption,
    MatProgressSpinner,
    MatSelect,
    ReactiveFormsModule,
  ],
  templateUrl: './task-dialog.html',
  styleUrl: '../core/ui/form-dialog.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TaskDialog {
  private readonly api = inject(API_CLIENT);
  private readonly dialog = inject<MatDialogRef<TaskDialog, TaskDto>>(MatDialogRef);
  private readonly fb = inject(NonNullableFormBuilder);

  protected readonly groups = inject<TaskDialogData>(MAT_DIALOG_DATA).groups;
  private readonly submission = new DialogSubmission();
  protected readonly error = this.submission.error;
  protected readonly busy = this.submission.busy;
  protected readonly maxIterations = MAX_TASK_ITERATIONS;

  protected readonly form = this.fb.group({
    name: ['', [Validators.required, Validators.maxLength(200)]],
    prompt: ['', Validators.required],
    planPrompt: [''],
    maxIterations: this.fb.control<number | null>(10, [
      Validators.required,
      Validators.min(1),
      Validators.max(MAX_TASK_ITERATIONS),
      integer,
    ]),
    groupId: [''],
  });

  protected async save(): Promise<void> {
    const task = await this.submission.submit(
      this.form,
      () => createTask({ client: this.api, body: this.body() }),
      'The task could not be created.',
    );
    if (task) this.dialog.close(task);
  }

  /** POST /api/tasks: the optional fields only when given. */
  private body(): TaskCreateDto {
    const { name, prompt, planPrompt, maxIterations, groupId } = this.form.getRawValue();
    return {
      name: name.trim(),
      prompt,
      maxIterations: maxIterations ?? 1,
      ...(planPrompt.trim() ? { planPrompt } : {}),
      ...(groupId ? { groupId } : {}),
    };
  }
}
