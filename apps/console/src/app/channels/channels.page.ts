import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, computed, effect, inject, signal } from '@angular/core';
import { MatButton } from '@angular/material/button';
import {
  MatCard,
  MatCardActions,
  MatCardContent,
  MatCardHeader,
  MatCardSubtitle,
  MatCardTitle,
} from '@angular/material/card';
import { MatDialog } from '@angular/material/dialog';
import { MatIcon } from '@angular/material/icon';
import { MatProgressBar } from '@angular/material/progress-bar';
import { MatSlideToggle, type MatSlideToggleChange } from '@angular/material/slide-toggle';
import { RouterLink } from '@angular/router';
import type { ChannelResponseDto } from '@loop-gateway/api-client';
import { Alert } from '../core/ui/alert';
import { ConfirmDialog, type ConfirmDialogData } from '../core/ui/confirm-dialog';
import { PageHeader } from '../core/ui/page-header';
import { ChannelDialog, type ChannelDialogData } from './channel-dialog';
import { ChannelQr } from './channel-qr';
import { type ChannelTestOutcome, ChannelsStore } from './channels.store';
import { retryCountdown } from './retry-countdown';
import { IfAdmin, injectCanChange } from '../core/session/if-admin';

const STATE_LABELS: Record<ChannelResponseDto['state'], string> = {
  connecting: 'Connecting',
  connected: 'Connected',
  waiting_for_qr: 'Waiting for QR scan',
  logged_out: 'Logged out',
  stopped: 'Stopped',
  retrying: 'Retrying',
  error: 'Error',
};
const TYPE_LABELS: Record<ChannelResponseDto['type'], string> = {
  telegram: 'Telegram',
  email: 'Email',
  whatsapp: 'WhatsApp',
  mattermost: 'Mattermost',
};
const STATUS_LABELS: Record<string, string> = {
  received: 'Working on it',
  dropped: 'Dropped',
  answered: 'Answered',
  failed: 'Failed',
};

/** Channels: messengers people reach the agent through, with their live state and recent messages. */
@Component({
  selector: 'lg-channels-page',
  imports: [
    IfAdmin,
    Alert,
    ChannelQr,
    DatePipe,
    MatButton,
    MatCard,
    MatCardActions,
    MatCardContent,
    MatCardHeader,
    MatCardSubtitle,
    MatCardTitle,
    MatIcon,
    MatProgressBar,
    MatSlideToggle,
    PageHeader,
    RouterLink,
  ],
  providers: [ChannelsStore],
  templateUrl: './channels.page.html',
  styleUrl: './channels.page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ChannelsPage {
  /** Viewers see the switches, off. */
  protected readonly canChange = injectCanChange();
  private readonly store = inject(ChannelsStore);
  private readonly dialog = inject(MatDialog);

  protected readonly channels = this.store.channels;
  protected readonly messages = this.store.messages;
  protected readonly error = this.store.error;
  protected readonly loading = this.store.loading;
  protected readonly stateLabels = STATE_LABELS;
  protected readonly typeLabels = TYPE_LABELS;
  protected readonly statusLabels = STATUS_LABELS;
  protected readonly actionError = signal<string | null>(null);
  /** Per channel: the last connection test's outcome, or 'running' while it runs. */
  protected readonly tests = signal<ReadonlyMap<string, ChannelTestOutcome | 'running'>>(new Map());
  /** The clock the retry countdowns read; ticks each second while a channel is retrying. */
  private readonly now = signal(Date.now());
  private readonly anyRetrying = computed(() => this.channels().some((c) => c.state === 'retrying'));

  constructor() {
    let timer: ReturnType<typeof setInterval> | null = null;
    const stop = () => {
      if (timer) clearInterval(timer);
      timer = null;
    };
    effect(() => {
      if (this.anyRetrying() && !timer) {
        this.now.set(Date.now());
        timer = setInterval(() => this.now.set(Date.now()), 1000);
      } else if (!this.anyRetrying()) stop();
    });
    inject(DestroyRef).onDestroy(stop);
  }

  protected stateLabel(channel: ChannelResponseDto): string {
    return channel.state === 'retrying' ? retryCountdown(channel.retryAt, this.now()) : STATE_LABELS[channel.state];
  }

  protected withStop(sentence: string): string {
    return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
  }

  protected async testConnection(channel: ChannelResponseDto): Promise<void> {
    this.tests.update((map) => new Map(map).set(channel.id, 'running'));
    const outcome = await this.store.test(channel);
    this.tests.update((map) => new Map(map).set(channel.id, outcome));
  }

  protected groupName(id: string | null): string {
    return this.store.groupName(id);
  }

  protected openForm(channel?: ChannelResponseDto): void {
    this.actionError.set(null);
    this.dialog
      .open<ChannelDialog, ChannelDialogData, ChannelResponseDto>(ChannelDialog, {
        data: { channel, groups: this.store.groups() },
        width: '560px',
        maxWidth: '95vw',
        autoFocus: 'first-tabbable',
      })
      .afterClosed()
      .subscribe((saved) => {
        if (saved) this.store.saved(saved);
      });
  }

  protected async setEnabled(channel: ChannelResponseDto, change: MatSlideToggleChange): Promise<void> {
    this.actionError.set(null);
    const problem = await this.store.setEnabled(channel, change.checked);
    if (problem) {
      change.source.checked = channel.enabled;
      this.actionError.set(problem);
    }
  }

  protected confirmDelete(channel: ChannelResponseDto): void {
    this.actionError.set(null);
    this.dialog.open<ConfirmDialog, ConfirmDialogData, boolean>(ConfirmDialog, {
      data: {
        title: `Delete ${channel.name}?`,
        message: 'The bot stops answering at once, and the channel’s stored messages are deleted.',
        confirmLabel: 'Delete',
        action: () => this.store.remove(channel),
      },
      width: '440px',
    });
  }

  /** WhatsApp: a new session and QR code, after a logout or to link another phone. */
  protected async pairAgain(channel: ChannelResponseDto): Promise<void> {
    this.actionError.set(null);
    const problem = await this.store.pair(channel);
    if (problem) this.actionError.set(problem);
  }

  protected toggleMessages(channel: ChannelResponseDto): void {
    void this.store.toggleMessages(channel.id);
  }
}
