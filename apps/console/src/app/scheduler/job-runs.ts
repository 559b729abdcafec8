import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { JobRunDto } from '@loop-gateway/api-client';
import { clip, duration, shortId } from '../activity/event-summary';
import { RunStatusChip } from '../runs/run-status';
import { causeLabel, localTime } from './job-form';

/** A job's firings, newest first: why, how it went, what it produced and whether it was delivered. */
@Component({
  selector: 'lg-job-runs',
  imports: [RouterLink, RunStatusChip],
  template: `
    <table class="runs" aria-label="Firings" data-testid="job-runs">
      <thead>
        <tr>
          <th>Cause</th>
          <th>Status</th>
          <th>Due or started</th>
          <th>Duration</th>
          <th>Output</th>
          <th>Delivery</th>
          <th>Run</th>
        </tr>
      </thead>
      <tbody>
        @for (run of runs(); track run.id) {
          <tr data-testid="job-run" [attr.data-status]="run.status" [attr.data-cause]="run.cause">
            <td data-testid="job-run-cause">{{ causeLabel(run.cause) }}</td>
            <td><lg-run-status [status]="run.status" /></td>
            <td>{{ localTime(run.scheduledFor ?? run.startedAt) }}</td>
            <td>{{ run.durationMs === null ? '—' : duration(run.durationMs) }}</td>
            <td class="text">
              @if (run.error) {
                <span class="error" data-testid="job-run-error">{{ run.error }}</span>
              } @else if (run.output) {
                <span data-testid="job-run-output" [attr.title]="run.output">{{ clip(run.output, 200) }}</span>
              }
            </td>
            <td class="text">
              @if (run.delivery !== 'none') {
                <lg-run-status [status]="run.delivery" data-testid="job-run-delivery" />
                @if (run.deliveryError) {
                  <div class="error" data-testid="job-run-delivery-error">{{ run.deliveryError }}</div>
                }
                @if (run.delivery === 'queued') {
                  <div class="hint">
                    Signed and retried by the
                    <a routerLink="/webhooks" data-testid="job-run-delivery-log">webhook queue</a>
                  </div>
                }
              }
            </td>
            <td>
              @if (run.runId; as runId) {
                <a [routerLink]="['/runs', runId]" data-testid="job-run-link"
                  ><code>{{ shortId(runId) }}</code></a
                >
              }
            </td>
          </tr>
        } @empty {
          <tr>
            <td colspan="7" class="empty">It has not fired yet.</td>
          </tr>
        }
      </tbody>
    </table>
  `,
  styles: `
    .runs {
      width: 100%;
      border-collapse: collapse;
      font: var(--mat-sys-body-small);
    }
    th,
    td {
      padding: 6px 8px;
      text-align: left;
      vertical-align: top;
    }
    th {
      font: var(--mat-sys-label-medium);
      color: var(--mat-sys-on-surface-variant);
    }
    .text {
      max-width: 360px;
      overflow-wrap: anywhere;
    }
    .error {
      color: var(--mat-sys-error);
    }
    .empty,
    .hint {
      color: var(--mat-sys-on-surface-variant);
    }
    a {
      color: var(--mat-sys-primary);
    }
    code {
      font-family: ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class JobRuns {
  readonly runs = input.required<readonly JobRunDto[]>();
  protected readonly causeLabel = causeLabel;
  protected readonly localTime = localTime;
  protected readonly duration = duration;
  protected readonly clip = clip;
  protected readonly shortId = shortId;
}
