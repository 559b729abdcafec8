import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { MatButton } from '@angular/material/button';
import { MatCard, MatCardContent } from '@angular/material/card';
import { MatDialog } from '@angular/material/dialog';
import { MatIcon } from '@angular/material/icon';
import { MatProgressBar } from '@angular/material/progress-bar';
import { MatSlideToggle, type MatSlideToggleChange } from '@angular/material/slide-toggle';
import {
  type AgentGroupResponseDto,
  type ChannelResponseDto,
  type JobDto,
  listAgentGroups,
  listChannels,
} from '@loop-gateway/api-client';
import { API_CLIENT } from '../core/api/api-client';
import { Alert } from '../core/ui/alert';
import { ConfirmDialog, type ConfirmDialogData } from '../core/ui/confirm-dialog';
import { PageHeader } from '../core/ui/page-header';
import { RefreshButton } from '../core/ui/refresh-button';
import { CalendarsPanel } from './calendars-panel';
import { CalendarsStore } from './calendars.store';
import { JobDialog, type JobDialogData } from './job-dialog';
import { browserTimeZone, describeNextRun, describeOutput, describeTrigger, formatInstant } from './job-form';
import { JobRuns } from './job-runs';
import { SchedulerStore } from './scheduler.store';
import { IfAdmin, injectCanChange } from '../core/session/if-admin';

/** Scheduler: jobs that ask an agent something on a schedule, their firings, and where the results go. */
@Component({
  selector: 'lg-scheduler-page',
  imports: [
    IfAdmin,
    Alert,
    CalendarsPanel,
    JobRuns,
    MatButton,
    MatCard,
    MatCardContent,
    MatIcon,
    MatProgressBar,
    MatSlideToggle,
    PageHeader,
    RefreshButton,
  ],
  providers: [SchedulerStore, CalendarsStore],
  templateUrl: './scheduler.page.html',
  styleUrl: './scheduler.page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SchedulerPage {
  /** Viewers see the switches, off. */
  protected readonly canChange = injectCanChange();
  private readonly store = inject(SchedulerStore);
  private readonly calendars = inject(CalendarsStore);
  private readonly dialog = inject(MatDialog);
  private readonly api = inject(API_CLIENT);

  protected readonly jobs = this.store.jobs;
  protected readonly stats = this.store.stats;
  protected readonly runs = this.store.runs;
  protected readonly error = this.store.error;
  protected readonly loading = this.store.loading;
  protected readonly saving = this.store.saving;
  protected readonly groups = signal<readonly AgentGroupResponseDto[]>([]);
  /** Where a job's result can be sent. */
  protected readonly channels = signal<readonly ChannelResponseDto[]>([]);
  /** The groups and channels the job dialog offers; it opens once they are known. */
  private readonly lookups = this.loadGroups();
  /** A channel's name, for channel outputs. */
  protected readonly channelName = (id: string) => this.channels().find((c) => c.id === id)?.name;
  /** Why the last action failed. */
  protected readonly actionError = signal<string | null>(null);
  protected readonly describeTrigger = describeTrigger;
  protected readonly describeNextRun = describeNextRun;
  protected readonly describeOutput = describeOutput;
  protected readonly formatInstant = formatInstant;
  /** The page's one time zone rule: every time in the browser's zone, named. */
  protected readonly timeZone = browserTimeZone();
  /** A calendar's name, for calendar triggers. */
  protected readonly calendarName = (id: string) => this.calendars.name(id);

  constructor() {
    void this.calendars.load();
  }

  protected refresh(): void {
    this.actionError.set(null);
    void this.store.load();
    void this.calendars.load();
  }

  protected async openForm(job?: JobDto): Promise<void> {
    this.actionError.set(null);
    await this.lookups;
    this.dialog
      .open<JobDialog, JobDialogData, JobDto>(JobDialog, {
        data: { job, groups: this.groups(), calendars: this.calendars.calendars(), channels: this.channels() },
        width: '680px',
        maxWidth: '95vw',
        autoFocus: 'first-tabbable',
      })
      .afterClosed()
      .subscribe((saved) => {
        if (saved) this.store.saved(saved);
      });
  }

  /** The calendars' events change a calendar-triggered job's next run: reload the jobs after a sync. */
  protected calendarsChanged(): void {
    void this.store.load();
  }

  protected async toggle(job: JobDto, change: MatSlideToggleChange): Promise<void> {
    this.actionError.set(null);
    const problem = await this.store.toggle(job);
    if (problem) {
      change.source.checked = job.enabled; // the switch goes back to what the gateway has
      this.actionError.set(problem);
    }
  }

  protected async runNow(job: JobDto): Promise<void> {
    this.actionError.set(null);
    this.actionError.set(await this.store.runNow(job));
  }

  protected showHistory(job: JobDto): void {
    void this.store.toggleHistory(job);
  }

  protected confirmDelete(job: JobDto): void {
    this.actionError.set(null);
    this.dialog.open<ConfirmDialog, ConfirmDialogData, boolean>(ConfirmDialog, {
      data: {
        title: `Delete ${job.name}?`,
        message: 'It fires no more, and its firing history is deleted. Its runs stay recorded.',
        confirmLabel: 'Delete job',
        action: () => this.store.remove(job),
      },
      width: '440px',
    });
  }

  /** For the group picker; the page works without them. */
  private async loadGroups(): Promise<void> {
    const [groups, channels] = await Promise.all([
      listAgentGroups({ client: this.api }),
      listChannels({ client: this.api }),
    ]);
    if (groups.data) this.groups.set(groups.data);
    if (channels.data) this.channels.set(channels.data);
  }
}
