import { ChangeDetectionStrategy, Component, DestroyRef, inject } from '@angular/core';
import {
  type AbstractControl,
  NonNullableFormBuilder,
  ReactiveFormsModule,
  type ValidatorFn,
  Validators,
} from '@angular/forms';
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
import { MatRadioButton, MatRadioGroup } from '@angular/material/radio';
import { MatSelect } from '@angular/material/select';
import {
  type AgentGroupResponseDto,
  type CalendarDto,
  type ChannelResponseDto,
  type JobDto,
  createJob,
  updateJob,
} from '@loop-gateway/api-client';
import { spellSeconds } from '../approvals/approval-format';
import { API_CLIENT } from '../core/api/api-client';
import { Alert } from '../core/ui/alert';
import { integer } from '../core/ui/validators';
import {
  CONTEXT_MAX_DAYS,
  INTERVAL_MAX_SECONDS,
  INTERVAL_MIN_SECONDS,
  JOB_MAX_ITERATIONS,
  MINUTES_BEFORE_MAX,
  type MissedPolicy,
  type OutputType,
  type TriggerType,
  browserTimeZone,
  jobFormValue,
  jobRequestBody,
} from './job-form';
import { DialogSubmission } from '../core/ui/dialog-submission';

export interface JobDialogData {
  /** The job to edit; none for a new one. */
  job?: JobDto;
  /** For the group picker. */
  groups: readonly AgentGroupResponseDto[];
  /** For the calendar trigger and the calendar-context picker. */
  calendars?: readonly CalendarDto[];
  /** For the "send it to a channel" output. */
  channels?: readonly Pick<ChannelResponseDto, 'id' | 'name' | 'type' | 'allowedSenders'>[];
}

/** A field that counts only for one trigger (or output) type. */
const onlyFor =
  (field: 'triggerType' | 'outputType', type: string, ...validators: ValidatorFn[]): ValidatorFn =>
  (control: AbstractControl) =>
    control.parent?.get(field)?.value === type ? Validators.compose(validators)!(control) : null;

/** Create or edit a scheduled job; closes with the saved job, or shows what the gateway refused. */
@Component({
  selector: 'lg-job-dialog',
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
    MatRadioButton,
    MatRadioGroup,
    MatSelect,
    ReactiveFormsModule,
  ],
  templateUrl: './job-dialog.html',
  styleUrls: ['../core/ui/form-dialog.scss', './job-dialog.scss'],
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class JobDialog {
  private readonly api = inject(API_CLIENT);
  private readonly dialog = inject<MatDialogRef<JobDialog, JobDto>>(MatDialogRef);
  private readonly fb = inject(NonNullableFormBuilder);

  protected readonly data = inject<JobDialogData>(MAT_DIALOG_DATA);
  protected readonly job = this.data.job;
  private readonly submission = new DialogSubmission();
  protected readonly error = this.submission.error;
  protected readonly busy = this.submission.busy;
  protected readonly minSeconds = INTERVAL_MIN_SECONDS;
  protected readonly maxSeconds = INTERVAL_MAX_SECONDS;
  protected readonly maxIterations = JOB_MAX_ITERATIONS;
  protected readonly maxMinutesBefore = MINUTES_BEFORE_MAX;
  protected readonly maxContextDays = CONTEXT_MAX_DAYS;
  protected readonly calendars = this.data.calendars ?? [];
  protected readonly channels = this.data.channels ?? [];
  protected readonly spellSeconds = spellSeconds;

  /** A new calendar trigger starts on the first calendar. */
  protected readonly initial = {
    ...jobFormValue(this.job, browserTimeZone()),
    ...(this.job?.trigger.calendarId ? {} : { calendarId: this.data.calendars?.[0]?.id ?? '' }),
    ...(this.job?.output.channelId ? {} : { channelId: this.data.channels?.[0]?.id ?? '' }),
  };

  /** The chosen channel's people who get the result (its allowed senders), for the hint. */
  protected recipients(channelId: string): string {
    const channel = this.channels.find((c) => c.id === channelId);
    if (!channel) return '';
    const count = channel.allowedSenders.length;
    return count === 0
      ? 'This channel has no allowed senders: nobody would get the result. Add some on the Channels page.'
      : `Goes to its ${count} allowed sender${count === 1 ? '' : 's'}, each in their own chat.`;
  }
  protected readonly form = this.fb.group({
    name: [this.initial.name, [Validators.required, Validators.maxLength(200)]],
    triggerType: this.fb.control<TriggerType>(this.initial.triggerType),
    cron: [this.initial.cron, onlyFor('triggerType', 'cron', Validators.required)],
    timezone: [this.initial.timezone, onlyFor('triggerType', 'cron', Validators.required)],
    at: [this.initial.at, onlyFor('triggerType', 'once', Validators.required)],
    everySeconds: this.fb.control<number | null>(
      this.initial.everySeconds,
      onlyFor(
        'triggerType',
        'interval',
        Validators.required,
        Validators.min(INTERVAL_MIN_SECONDS),
        Validators.max(INTERVAL_MAX_SECONDS),
        integer,
      ),
    ),
    calendarId: [this.initial.calendarId, onlyFor('triggerType', 'calendar', Validators.required)],
    minutesBefore: this.fb.control<number | null>(
      this.initial.minutesBefore,
      onlyFor(
        'triggerType',
        'calendar',
        Validators.required,
        Validators.min(0),
        Validators.max(MINUTES_BEFORE_MAX),
        integer,
      ),
    ),
    prompt: [this.initial.prompt, Validators.required],
    contextCalendarId: [this.initial.contextCalendarId],
    contextDays: this.fb.control<number | null>(this.initial.contextDays, [
      Validators.min(1),
      Validators.max(CONTEXT_MAX_DAYS),
      integer,
    ]),
    maxIterations: this.fb.control<number | null>(this.initial.maxIterations, [
      Validators.required,
      Validators.min(1),
      Validators.max(JOB_MAX_ITERATIONS),
      integer,
    ]),
    outputType: this.fb.control<OutputType>(this.initial.outputType),
    url: [
      this.initial.url,
      onlyFor('outputType', 'webhook', Validators.required, Validators.pattern(/^https?:\/\/\S+$/)),
    ],
    channelId: [this.initial.channelId, onlyFor('outputType', 'channel', Validators.required)],
    groupId: [this.initial.groupId],
    missedPolicy: this.fb.control<MissedPolicy>(this.initial.missedPolicy),
  });

  constructor() {
    // The fields of the other trigger or output type stop counting when the type changes.
    const subscription = this.form.valueChanges.subscribe(() => {
      for (const control of Object.values(this.form.controls)) control.updateValueAndValidity({ emitEvent: false });
    });
    inject(DestroyRef).onDestroy(() => subscription.unsubscribe());
  }

  protected async save(): Promise<void> {
    const body = jobRequestBody(this.form.getRawValue(), this.job?.enabled ?? true);
    const saved = await this.submission.submit(
      this.form,
      () =>
        this.job
          ? updateJob({ client: this.api, path: { id: this.job.id }, body })
          : createJob({ client: this.api, body }),
      'The job could not be saved.',
    );
    if (saved) this.dialog.close(saved);
  }
}
