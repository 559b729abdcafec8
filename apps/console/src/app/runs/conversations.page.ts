import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { MatButton } from '@angular/material/button';
import { MatCard, MatCardContent } from '@angular/material/card';
import { MatFormField, MatLabel } from '@angular/material/form-field';
import { MatInput } from '@angular/material/input';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { type ConversationListItemDto, type ListConversationsData, listConversations } from '@loop-gateway/api-client';
import { clip } from '../activity/event-summary';
import { API_CLIENT } from '../core/api/api-client';
import { apiErrorMessage } from '../core/api/api-error';
import { Alert } from '../core/ui/alert';
import { PageHeader } from '../core/ui/page-header';
import { ORIGIN_OPTIONS } from './run-filters';
import { originLabel } from './run-format';

type Origin = NonNullable<ListConversationsData['query']>['origin'];

/** Conversations (channel chats, API and console conversations), newest first, filtered by origin. */
@Component({
  selector: 'lg-conversations-page',
  imports: [
    Alert,
    DatePipe,
    MatButton,
    MatCard,
    MatCardContent,
    MatFormField,
    MatInput,
    MatLabel,
    PageHeader,
    RouterLink,
  ],
  template: `
    <lg-page-header heading="Conversations" lead="Every chat and API conversation, with its whole history.">
      <a mat-button routerLink="/runs">Back to runs</a>
    </lg-page-header>
    <mat-card appearance="outlined">
      <mat-card-content>
        <mat-form-field subscriptSizing="dynamic">
          <mat-label>Origin</mat-label>
          <select
            matNativeControl
            data-testid="conversations-origin"
            [value]="origin() ?? ''"
            (change)="choose($any($event.target).value)"
          >
            <option value="">Any</option>
            @for (option of origins; track option.value) {
              <option [value]="option.value" [selected]="origin() === option.value">{{ option.label }}</option>
            }
          </select>
        </mat-form-field>
        @if (error(); as message) {
          <lg-alert data-testid="conversations-error">{{ message }}</lg-alert>
        }
        <table class="list">
          <tr>
            <th>Started</th>
            <th>Origin</th>
            <th>Latest message</th>
            <th class="number">Runs</th>
            <th class="number">Messages</th>
            <th class="number">Compactions</th>
            <th>State</th>
          </tr>
          @for (conversation of conversations(); track conversation.id) {
            <tr data-testid="conversation-row" [attr.data-conversation-id]="conversation.id">
              <td>{{ conversation.createdAt | date: 'medium' }}</td>
              <td>{{ originLabel(conversation.origin) }}</td>
              <td>
                <a [routerLink]="['/runs/conversations', conversation.id]" data-testid="conversation-link">{{
                  conversation.lastInput
                    ? clip(conversation.lastInput, 70)
                    : 'Conversation ' + conversation.id.slice(0, 8)
                }}</a>
              </td>
              <td class="number">{{ conversation.runs }}</td>
              <td class="number">{{ conversation.messages }}</td>
              <td class="number" data-testid="conversation-compactions">{{ conversation.compactions }}</td>
              <td data-testid="conversation-state">{{ conversation.closedAt ? 'Closed' : 'Open' }}</td>
            </tr>
          } @empty {
            <tr>
              <td colspan="7" class="empty">{{ loading() ? 'Loading…' : 'No conversations.' }}</td>
            </tr>
          }
        </table>
        <div class="paging">
          @if (total() !== null) {
            <span data-testid="conversations-count">Showing {{ conversations().length }} of {{ total() }}</span>
          }
          @if (cursor()) {
            <button mat-stroked-button type="button" data-testid="conversations-more" (click)="load(true)">
              Load older conversations
            </button>
          }
        </div>
      </mat-card-content>
    </mat-card>
  `,
  styles: `
    .list {
      width: 100%;
      border-collapse: collapse;
      margin-top: 12px;
    }
    th,
    td {
      text-align: left;
      padding: 6px 8px;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
    }
    .number {
      text-align: right;
      font-variant-numeric: tabular-nums;
    }
    .empty {
      text-align: center;
      color: var(--mat-sys-on-surface-variant);
    }
    .paging {
      display: flex;
      gap: 16px;
      justify-content: flex-end;
      align-items: center;
      padding-top: 8px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ConversationsPage {
  private readonly api = inject(API_CLIENT);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);

  protected readonly origins = ORIGIN_OPTIONS;
  protected readonly originLabel = originLabel;
  protected readonly clip = clip;
  protected readonly conversations = signal<readonly ConversationListItemDto[]>([]);
  protected readonly origin = signal<string | null>(null);
  protected readonly total = signal<number | null>(null);
  protected readonly cursor = signal<string | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly loading = signal(false);

  constructor() {
    this.route.queryParamMap.pipe(takeUntilDestroyed()).subscribe((params) => {
      this.origin.set(params.get('origin') || null);
      void this.load(false);
    });
  }

  protected choose(origin: string): void {
    void this.router.navigate([], { relativeTo: this.route, queryParams: { origin: origin || null } });
  }

  protected async load(more: boolean): Promise<void> {
    this.loading.set(true);
    const origin = this.origin();
    const { data, error, response } = await listConversations({
      client: this.api,
      query: {
        limit: 50,
        ...(origin ? { origin: origin as Origin } : {}),
        ...(more && this.cursor() ? { cursor: this.cursor()! } : {}),
      },
    });
    this.loading.set(false);
    if (!data) {
      this.error.set(apiErrorMessage(error, 'The conversations could not be loaded.'));
      return;
    }
    this.error.set(null);
    this.conversations.update((shown) => (more ? [...shown, ...data] : data));
    const total = response?.headers.get('X-Total-Count');
    this.total.set(total ? Number(total) : null);
    this.cursor.set(response?.headers.get('X-Next-Cursor') ?? null);
  }
}
