import { DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, effect, inject, input } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule } from '@angular/forms';
import { MatButton } from '@angular/material/button';
import { MatCard, MatCardContent, MatCardHeader, MatCardSubtitle, MatCardTitle } from '@angular/material/card';
import { MatOption } from '@angular/material/core';
import { MatFormField, MatHint, MatLabel } from '@angular/material/form-field';
import { MatIcon } from '@angular/material/icon';
import { MatInput } from '@angular/material/input';
import { MatSelect } from '@angular/material/select';
import { RouterLink } from '@angular/router';
import type { AgentGroupResponseDto } from '@loop-gateway/api-client';
import { duration } from '../activity/event-summary';
import { injectCanChange } from '../core/session/if-admin';
import { Alert } from '../core/ui/alert';
import { RunStatusChip } from './run-status';
import { TestChatStore } from './test-chat.store';

/**
 * Talk to an agent group from the console: each message becomes a run, its reply streams in as the
 * model writes it, and follow-ups continue the same conversation.
 */
@Component({
  selector: 'lg-test-chat',
  imports: [
    Alert,
    DecimalPipe,
    MatButton,
    MatCard,
    MatCardContent,
    MatCardHeader,
    MatCardSubtitle,
    MatCardTitle,
    MatFormField,
    MatHint,
    MatIcon,
    MatInput,
    MatLabel,
    MatOption,
    MatSelect,
    ReactiveFormsModule,
    RouterLink,
    RunStatusChip,
  ],
  templateUrl: './test-chat.html',
  styleUrl: './test-chat.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TestChat {
  private readonly chat = inject(TestChatStore);
  /** Viewers read runs; starting one is an admin's (the gateway refuses a viewer's message). */
  protected readonly canChange = injectCanChange();

  /** The agent groups a new conversation can use. */
  readonly groups = input<readonly AgentGroupResponseDto[]>([]);

  protected readonly turns = this.chat.turns;
  protected readonly busy = this.chat.busy;
  protected readonly conversationId = this.chat.conversationId;
  protected readonly duration = duration;
  protected readonly form = inject(NonNullableFormBuilder).group({
    message: [''],
    groupId: [''],
  });
  protected readonly conversationGroup = computed(() => {
    const id = this.chat.groupId();
    const group = this.groups().find((g) => g.id === id);
    return group?.name ?? (id ? id.slice(0, 8) : 'the default group');
  });

  constructor() {
    // The group is chosen when a conversation starts; follow-ups stay with it.
    effect(() => {
      const group = this.form.controls.groupId;
      if (this.conversationId()) {
        group.setValue(this.chat.groupId() ?? '');
        group.disable();
      } else {
        group.enable();
      }
    });
  }

  protected send(): void {
    const { message, groupId } = this.form.getRawValue();
    if (!message.trim() || this.busy()) return;
    this.form.controls.message.reset('');
    void this.chat.send(message, groupId || null);
  }

  /** Enter sends; Shift+Enter starts a new line. */
  protected onKeydown(event: KeyboardEvent): void {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      this.send();
    }
  }

  protected newConversation(): void {
    this.chat.reset();
    this.form.reset({ message: '', groupId: this.form.controls.groupId.value });
  }
}
