import { DOCUMENT, Injectable, inject, signal } from '@angular/core';
import { getApprovalStats } from '@loop-gateway/api-client';
import type { GatewayEvent } from '@loop-gateway/contracts';
import { API_CLIENT } from '../core/api/api-client';
import { followGateway } from '../core/realtime/follow-gateway';
import { ConsoleTitle } from '../core/ui/title-strategy';
import { type Decision, decideApproval } from '../approvals/decide-approval';
import { attentionFor } from './attention-format';

/** Something that needs the operator, shown as a toast on every page until handled or dismissed. */
export interface AttentionToast {
  /** One toast per thing: `approval:<id>`, `channel:<id>`, `budget:<group>:<period>`. */
  key: string;
  kind: 'approval' | 'channel' | 'budget';
  tone: 'warning' | 'error';
  title: string;
  detail: string;
  /** The console page that deals with it. */
  link: string;
  /** Set on approval toasts: Approve / Reject act on this held call. */
  approvalId?: string;
  /** Why the last action from the toast failed. */
  error?: string;
}

/** How many toasts stay on screen; older ones give way (the pages still list everything). */
export const MAX_TOASTS = 4;

export type NotificationState = 'unsupported' | NotificationPermission;

/**
 * What needs a person, wherever the operator is in the console: the count of held tool calls (the
 * nav badge and the tab title), and a toast when a call is held, a channel fails or a budget is
 * nearly or fully spent — optionally also as a browser notification while the tab is in the
 * background. Provided by the shell, so it lives as long as the session.
 */
@Injectable()
export class AttentionStore {
  private readonly api = inject(API_CLIENT);
  private readonly title = inject(ConsoleTitle);
  private readonly window = inject(DOCUMENT).defaultView;

  private readonly pendingCount = signal(0);
  private readonly toastList = signal<readonly AttentionToast[]>([]);
  private readonly notifyState = signal<NotificationState>(this.permission());
  private readonly deciding = signal<ReadonlySet<string>>(new Set());

  /** Held tool calls waiting for a decision. */
  readonly pendingApprovals = this.pendingCount.asReadonly();
  /** Newest first. */
  readonly toasts = this.toastList.asReadonly();
  readonly notifications = this.notifyState.asReadonly();
  readonly decidingKeys = this.deciding.asReadonly();

  constructor() {
    followGateway(
      () => this.loadPending(),
      (event) => this.receive(event),
    );
  }

  receive(event: GatewayEvent): void {
    if (event.event === 'approval:resolved') {
      this.dismiss(`approval:${event.payload.approvalId}`);
      void this.loadPending();
      return;
    }
    if (event.event === 'approval:required') void this.loadPending();
    if (event.event === 'channel:status' && event.payload.state === 'connected') {
      // A channel that is back needs nothing any more.
      this.dismiss(`channel:${event.payload.channelId}`);
      return;
    }
    const toast = attentionFor(event);
    if (toast) this.show(toast);
  }

  dismiss(key: string): void {
    this.toastList.update((list) => list.filter((toast) => toast.key !== key));
  }

  /** Approve or reject the held call of an approval toast, without leaving the page. */
  async decide(toast: AttentionToast, decision: Decision): Promise<void> {
    if (!toast.approvalId) return;
    this.setDeciding(toast.key, true);
    const outcome = await decideApproval(this.api, toast.approvalId, { decision, comment: '' });
    this.setDeciding(toast.key, false);
    if (outcome.approval || outcome.conflict) {
      // Decided here, or already decided elsewhere: either way nothing waits any more.
      this.dismiss(toast.key);
      void this.loadPending();
      return;
    }
    this.toastList.update((list) => list.map((t) => (t.key === toast.key ? { ...t, error: outcome.error } : t)));
  }

  /** Asks the browser for permission to notify while the console's tab is in the background. */
  async enableNotifications(): Promise<void> {
    const api = this.window?.Notification;
    if (!api) return;
    this.notifyState.set(await api.requestPermission());
  }

  private show(toast: AttentionToast): void {
    // The same news again (a channel's next failed retry): the toast is refreshed, nobody notified again.
    const repeat = this.toastList().some((t) => t.key === toast.key && t.title === toast.title);
    this.toastList.update((list) => [toast, ...list.filter((t) => t.key !== toast.key)].slice(0, MAX_TOASTS));
    const api = this.window?.Notification;
    if (!repeat && api?.permission === 'granted' && this.window?.document.visibilityState === 'hidden') {
      new api(toast.title, { body: toast.detail, tag: toast.key });
    }
  }

  private async loadPending(): Promise<void> {
    const { data } = await getApprovalStats({ client: this.api });
    if (!data) return;
    this.pendingCount.set(data.pending);
    this.title.setWaiting(data.pending);
  }

  private permission(): NotificationState {
    const api = this.window?.Notification;
    return api ? api.permission : 'unsupported';
  }

  private setDeciding(key: string, on: boolean): void {
    this.deciding.update((keys) => {
      const next = new Set(keys);
      if (on) next.add(key);
      else next.delete(key);
      return next;
    });
  }
}
