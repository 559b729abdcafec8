import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { MatButton } from '@angular/material/button';
import { MatCard, MatCardContent } from '@angular/material/card';
import { RouterLink } from '@angular/router';
import { type ConversationDetailResponseDto, closeConversation, getConversation } from '@loop-gateway/api-client';
import { API_CLIENT } from '../core/api/api-client';
import { apiErrorMessage } from '../core/api/api-error';
import { Alert } from '../core/ui/alert';
import { PageHeader } from '../core/ui/page-header';
import { originLabel } from './run-format';
import { timelineEntries } from './run-timeline';
import { IfAdmin } from '../core/session/if-admin';

/**
 * One conversation's whole history (also what compaction folded into a summary), marked where each
 * compaction happened, with "Start over": the same as /new from the chat.
 */
@Component({
  selector: 'lg-conversation-page',
  imports: [Alert, DatePipe, IfAdmin, MatButton, MatCard, MatCardContent, PageHeader, RouterLink],
  template: `
    <lg-page-header heading="Conversation" [lead]="lead()">
      <a mat-button routerLink="/runs/conversations">All conversations</a>
      @if (conversation(); as c) {
        @if (!c.closedAt) {
          <button *lgIfAdmin mat-flat-button type="button" data-testid="conversation-start-over" (click)="startOver()">
            Start over
          </button>
        }
      }
    </lg-page-header>
    @if (error(); as message) {
      <lg-alert data-testid="conversation-error">{{ message }}</lg-alert>
    }
    @if (conversation(); as c) {
      @if (c.closedAt) {
        <p class="closed" data-testid="conversation-closed">
          Closed {{ c.closedAt | date: 'medium' }}: the chat starts a fresh conversation with its next message.
        </p>
      }
      <mat-card appearance="outlined">
        <mat-card-content data-testid="conversation-history">
          @for (entry of entries(); track entry.key) {
            @if (entry.compaction; as compaction) {
              <details
                class="compaction"
                data-testid="conversation-compaction"
                [attr.data-covers-seq]="compaction.coversSeq"
              >
                <summary>
                  Compacted here: the {{ compaction.summarizedMessages }} messages up to #{{ compaction.coversSeq }} are
                  sent to the model as a summary ({{ compaction.tokensBefore }} → {{ compaction.tokensAfter }}
                  tokens)
                </summary>
                <p>{{ compaction.summary }}</p>
              </details>
            } @else if (entry.message; as message) {
              <div class="message {{ message.role }}" data-testid="conversation-message" [attr.data-seq]="message.seq">
                <div class="meta">
                  #{{ message.seq }} · {{ message.role === 'user' ? 'User' : 'Assistant' }} ·
                  {{ message.createdAt | date: 'medium' }} ·
                  <a [routerLink]="['/runs', runOf(message)]">run {{ runOf(message).slice(0, 8) }}</a>
                </div>
                @for (block of entry.blocks; track $index) {
                  @switch (block.kind) {
                    @case ('text') {
                      <p class="text">{{ block.text }}</p>
                    }
                    @case ('tool_use') {
                      <p class="tool">Called {{ block.name }}</p>
                    }
                    @case ('tool_result') {
                      <p class="tool">Tool result{{ block.isError ? ' (error)' : '' }}</p>
                    }
                    @default {
                      <p class="tool">{{ block.type }}</p>
                    }
                  }
                }
              </div>
            }
          } @empty {
            <p class="empty">No messages yet.</p>
          }
        </mat-card-content>
      </mat-card>
    }
  `,
  styles: `
    .message {
      padding: 8px 0;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
    }
    .meta {
      font: var(--mat-sys-body-small);
      color: var(--mat-sys-on-surface-variant);
    }
    .text {
      white-space: pre-wrap;
      margin: 4px 0;
    }
    .tool {
      font: var(--mat-sys-body-small);
      margin: 4px 0;
    }
    .compaction {
      margin: 8px 0;
      padding: 8px;
      border-radius: 8px;
      background: var(--mat-sys-secondary-container);
    }
    .closed,
    .empty {
      color: var(--mat-sys-on-surface-variant);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ConversationPage {
  private readonly api = inject(API_CLIENT);

  readonly id = input.required<string>();
  protected readonly conversation = signal<ConversationDetailResponseDto | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly entries = computed(() => {
    const c = this.conversation();
    return c ? timelineEntries(c.messages, c.compactions) : [];
  });
  protected readonly lead = computed(() => {
    const c = this.conversation();
    if (!c) return '';
    const runs = `${c.runs.length} run${c.runs.length === 1 ? '' : 's'}`;
    return `${originLabel(c.origin)} · ${runs} · ${c.messages.length} messages · ${c.compactions.length} compactions`;
  });

  constructor() {
    effect(() => {
      this.id();
      untracked(() => void this.load());
    });
  }

  protected runOf(message: { seq: number }): string {
    return this.conversation()?.messages.find((m) => m.seq === message.seq)?.runId ?? '';
  }

  /** Closes the conversation as /new does in a chat; its next message starts a fresh one. */
  protected async startOver(): Promise<void> {
    const { data, error } = await closeConversation({ client: this.api, path: { id: this.id() } });
    if (!data) {
      this.error.set(apiErrorMessage(error, 'The conversation could not be closed.'));
      return;
    }
    await this.load();
  }

  private async load(): Promise<void> {
    const { data, error } = await getConversation({ client: this.api, path: { id: this.id() } });
    if (!data) {
      this.error.set(apiErrorMessage(error, 'The conversation could not be loaded.'));
      return;
    }
    this.error.set(null);
    this.conversation.set(data);
  }
}
