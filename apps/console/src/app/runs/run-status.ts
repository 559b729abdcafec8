import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

const LABELS: Record<string, string> = {
  sending: 'Sending',
  queued: 'Queued',
  running: 'Running',
  waiting: 'Waiting',
  cancelled: 'Cancelled',
  completed: 'Completed',
  failed: 'Failed',
  refused: 'Refused',
  ok: 'OK',
  error: 'Error',
  pending: 'Pending',
  approved: 'Approved',
  rejected: 'Rejected',
  timed_out: 'Timed out',
  withdrawn: 'Withdrawn',
  // Loop tasks and their iterations
  stopping: 'Stopping',
  stopped: 'Stopped',
  budget_exhausted: 'Budget exhausted',
  done: 'Done',
  // Scheduler firings and their delivery
  success: 'Success',
  skipped: 'Skipped',
  delivered: 'Delivered',
  // Agents (GET /api/agents)
  working: 'Working',
  idle: 'Idle',
};

/**
 * A run's (or a model call's, tool call's, approval's, loop task's or scheduler firing's) status as a
 * small coloured chip; "Running" pulses, and so does a waiting run (for a person's approval).
 */
@Component({
  selector: 'lg-run-status',
  template: `<span class="chip" [class]="status()" data-testid="run-status" [attr.data-status]="status()">
    <span class="dot" aria-hidden="true"></span>{{ label() }}
  </span>`,
  styles: `
    .chip {
      --tone: var(--mat-sys-outline);
      display: inline-flex;
      align-items: center;
      gap: 6px;
      padding: 2px 10px;
      border-radius: 999px;
      font: var(--mat-sys-label-medium);
      white-space: nowrap;
      background: color-mix(in srgb, var(--tone) 14%, transparent);
      color: var(--mat-sys-on-surface);
    }
    .dot {
      width: 8px;
      height: 8px;
      border-radius: 50%;
      background: var(--tone);
    }
    .running,
    .working,
    .sending,
    .stopping {
      --tone: var(--mat-sys-primary);
      .dot {
        animation: pulse 0.9s ease-in-out infinite alternate;
      }
    }
    .waiting,
    .pending {
      --tone: light-dark(#ed6c02, #ffb74d);
      .dot {
        animation: pulse 0.9s ease-in-out infinite alternate;
      }
    }
    .completed,
    .ok,
    .approved,
    .done,
    .success,
    .delivered {
      --tone: light-dark(#2e7d32, #81c784);
    }
    .failed,
    .error,
    .rejected {
      --tone: var(--mat-sys-error);
    }
    .refused,
    .cancelled,
    .withdrawn,
    .timed_out,
    .budget_exhausted {
      --tone: light-dark(#ed6c02, #ffb74d);
    }
    @keyframes pulse {
      to {
        opacity: 0.25;
      }
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RunStatusChip {
  readonly status = input.required<string>();
  protected readonly label = computed(() => LABELS[this.status()] ?? this.status());
}
