import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';
import { MatCard, MatCardContent, MatCardHeader, MatCardSubtitle, MatCardTitle } from '@angular/material/card';
import { RouterLink } from '@angular/router';
import type { ApprovalDetailDto } from '@loop-gateway/api-client';
import { shortId } from '../activity/event-summary';
import { originLabel, prettyJson } from '../runs/run-format';
import { RiskChip } from '../tools/risk-chip';
import { ApprovalActions } from './approval-actions';
import { timeLeft } from './approval-format';
import type { ApprovalDecision } from './decide-approval';
import { IfAdmin } from '../core/session/if-admin';

/** One held call in the queue: what the agent wants to do, why it waits, what led to it, and the decision. */
@Component({
  selector: 'lg-approval-card',
  imports: [
    IfAdmin,
    ApprovalActions,
    DatePipe,
    MatCard,
    MatCardContent,
    MatCardHeader,
    MatCardSubtitle,
    MatCardTitle,
    RiskChip,
    RouterLink,
  ],
  templateUrl: './approval-card.html',
  styleUrl: './approval-card.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ApprovalCard {
  readonly approval = input.required<ApprovalDetailDto>();
  /** The time now, in ms; ticks so the time left counts down. */
  readonly now = input.required<number>();
  readonly deciding = input(false);
  readonly decide = output<ApprovalDecision>();

  protected readonly shortId = shortId;
  protected readonly arguments = computed(() => prettyJson(this.approval().input));
  /** Arguments with several lines (a script, a message body), also shown as they read. */
  protected readonly textArguments = computed(() =>
    Object.entries(this.approval().input)
      .filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1].includes('\n'))
      .map(([name, text]) => ({ name, text })),
  );
  protected readonly origin = computed(() => originLabel(this.approval().origin));
  /** A sub-agent's held call: the run of the agent that spawned it. */
  protected readonly spawnedBy = computed(() => {
    const origin = this.approval().origin;
    return origin.kind === 'a2a' ? (origin.parentRunId ?? null) : null;
  });
  protected readonly timeLeft = computed(() => timeLeft(this.approval(), this.now()));
  protected readonly expired = computed(() => Date.parse(this.approval().expiresAt) <= this.now());
}
