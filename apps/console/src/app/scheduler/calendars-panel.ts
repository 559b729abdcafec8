import { ChangeDetectionStrategy, Component, inject, output, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButton } from '@angular/material/button';
import { MatCard, MatCardContent } from '@angular/material/card';
import { MatDialog } from '@angular/material/dialog';
import { MatError, MatFormField, MatHint, MatLabel } from '@angular/material/form-field';
import { MatIcon } from '@angular/material/icon';
import { MatInput } from '@angular/material/input';
import type { CalendarDto } from '@loop-gateway/api-client';
import { Alert } from '../core/ui/alert';
import { ConfirmDialog, type ConfirmDialogData } from '../core/ui/confirm-dialog';
import { integer } from '../core/ui/validators';
import { CalendarsStore, describeEventTime } from './calendars.store';
import { browserTimeZone, formatInstant } from './job-form';
import { IfAdmin } from '../core/session/if-admin';

/** The gateway's limits (CalendarCreateDto). */
export const POLL_MIN_MINUTES = 1;
export const POLL_MAX_MINUTES = 1440;

/**
 * The scheduler page's calendars: iCal feeds with their last sync (and its error), their event count,
 * "Sync now", their upcoming events (in the browser's time zone, the page's rule), a form to add one, and delete.
 */
@Component({
  selector: 'lg-calendars-panel',
  imports: [
    IfAdmin,
    Alert,
    MatButton,
    MatCard,
    MatCardContent,
    MatError,
    MatFormField,
    MatHint,
    MatIcon,
    MatInput,
    MatLabel,
    ReactiveFormsModule,
  ],
  templateUrl: './calendars-panel.html',
  styleUrl: './calendars-panel.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CalendarsPanel {
  private readonly store = inject(CalendarsStore);
  private readonly dialog = inject(MatDialog);
  private readonly fb = inject(NonNullableFormBuilder);

  /** A sync ran: calendar-triggered jobs may have a new next run. */
  readonly synced = output<void>();

  protected readonly calendars = this.store.calendars;
  protected readonly events = this.store.events;
  protected readonly syncing = this.store.syncing;
  protected readonly error = this.store.error;
  protected readonly actionError = signal<string | null>(null);
  protected readonly adding = signal(false);
  protected readonly busy = signal(false);
  protected readonly describeEventTime = describeEventTime;
  protected readonly formatInstant = formatInstant;
  protected readonly timeZone = browserTimeZone();
  protected readonly minPoll = POLL_MIN_MINUTES;
  protected readonly maxPoll = POLL_MAX_MINUTES;

  protected readonly form = this.fb.group({
    name: ['', [Validators.required, Validators.maxLength(200)]],
    url: ['', [Validators.required, Validators.pattern(/^https?:\/\/\S+$/), Validators.maxLength(2000)]],
    pollIntervalMinutes: this.fb.control<number | null>(15, [
      Validators.required,
      Validators.min(POLL_MIN_MINUTES),
      Validators.max(POLL_MAX_MINUTES),
      integer,
    ]),
    timezone: [browserTimeZone(), Validators.required],
  });

  protected showForm(open: boolean): void {
    this.actionError.set(null);
    this.adding.set(open);
    if (!open) this.form.reset();
  }

  protected async add(): Promise<void> {
    if (this.busy()) return;
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    this.busy.set(true);
    this.actionError.set(null);
    const value = this.form.getRawValue();
    const { error } = await this.store.add({
      name: value.name.trim(),
      url: value.url.trim(),
      pollIntervalMinutes: value.pollIntervalMinutes ?? 15,
      timezone: value.timezone.trim(),
    });
    this.busy.set(false);
    if (error) this.actionError.set(error);
    else this.showForm(false);
  }

  protected async sync(calendar: CalendarDto): Promise<void> {
    this.actionError.set(null);
    const problem = await this.store.sync(calendar);
    this.actionError.set(problem);
    if (!problem) this.synced.emit();
  }

  protected showEvents(calendar: CalendarDto): void {
    void this.store.toggleEvents(calendar);
  }

  protected confirmDelete(calendar: CalendarDto): void {
    this.actionError.set(null);
    this.dialog.open<ConfirmDialog, ConfirmDialogData, boolean>(ConfirmDialog, {
      data: {
        title: `Delete ${calendar.name}?`,
        message: 'Its events are deleted with it. A calendar that a job uses cannot be deleted.',
        confirmLabel: 'Delete calendar',
        action: () => this.store.remove(calendar),
      },
      width: '440px',
    });
  }
}
