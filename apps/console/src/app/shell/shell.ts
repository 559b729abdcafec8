import { BreakpointObserver } from '@angular/cdk/layout';
import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { MatButton, MatIconButton } from '@angular/material/button';
import { MatIcon } from '@angular/material/icon';
import { MatListItem, MatListItemIcon, MatListItemTitle, MatNavList } from '@angular/material/list';
import { MatSidenav, MatSidenavContainer, MatSidenavContent } from '@angular/material/sidenav';
import { MatToolbar } from '@angular/material/toolbar';
import { MatTooltip } from '@angular/material/tooltip';
import { RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { map } from 'rxjs';
import { ActivityFeed } from '../activity/activity-feed';
import { ActivityFeedStore } from '../activity/activity-feed.store';
import { AttentionToasts } from '../attention/attention-toasts';
import { AttentionStore } from '../attention/attention.store';
import { GatewaySocket } from '../core/realtime/gateway-socket';
import { SessionStore } from '../core/session/session.store';
import { PRODUCT_NAME } from '../core/ui/title-strategy';
import { CONSOLE_PAGES } from './console-pages';
import { ConnectionStatus } from './connection-status';

/**
 * The logged-in console: toolbar (product, live connection, activity, user, logout), side nav with
 * the pages, and an activity panel. The live connection lives as long as the shell does.
 */
@Component({
  selector: 'lg-shell',
  imports: [
    ActivityFeed,
    AttentionToasts,
    ConnectionStatus,
    MatButton,
    MatIcon,
    MatIconButton,
    MatListItem,
    MatListItemIcon,
    MatListItemTitle,
    MatNavList,
    MatSidenav,
    MatSidenavContainer,
    MatSidenavContent,
    MatToolbar,
    MatTooltip,
    RouterLink,
    RouterLinkActive,
    RouterOutlet,
  ],
  // Attention lives as long as the shell: from login to logout, on every page.
  providers: [AttentionStore],
  templateUrl: './shell.html',
  styleUrl: './shell.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Shell {
  private readonly session = inject(SessionStore);
  private readonly socket = inject(GatewaySocket);
  private readonly attention = inject(AttentionStore);

  protected readonly productName = PRODUCT_NAME;
  protected readonly user = this.session.user;
  protected readonly pages = computed(() =>
    CONSOLE_PAGES.filter((page) => !page.adminOnly || this.user()?.role === 'admin'),
  );
  protected readonly connection = this.socket.state;
  protected readonly retryInMs = this.socket.nextRetryMs;
  protected readonly notifications = this.attention.notifications;
  protected readonly activityOpen = signal(false);
  protected readonly loggingOut = signal(false);
  protected readonly compact = toSignal(
    inject(BreakpointObserver)
      .observe('(max-width: 899.98px)')
      .pipe(map((result) => result.matches)),
    { initialValue: false },
  );

  constructor() {
    // The feed collects from the first event on, whether or not a page shows it yet.
    inject(ActivityFeedStore);
    const token = this.session.token();
    if (token) this.socket.connect(token);
    inject(DestroyRef).onDestroy(() => this.socket.disconnect());
  }

  /** The number shown on a nav entry: held tool calls on Approvals, nothing elsewhere. */
  protected badge(path: string): number {
    return path === 'approvals' ? this.attention.pendingApprovals() : 0;
  }

  protected enableNotifications(): void {
    void this.attention.enableNotifications();
  }

  protected toggleActivity(): void {
    this.activityOpen.update((open) => !open);
  }

  protected async logout(): Promise<void> {
    this.loggingOut.set(true);
    try {
      await this.session.logout();
    } finally {
      this.loggingOut.set(false);
    }
  }
}
