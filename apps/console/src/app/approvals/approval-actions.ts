import { ChangeDetectionStrategy, Component, input, output, signal } from '@angular/core';
import { MatButton } from '@angular/material/button';
import { MatFormField, MatHint, MatLabel } from '@angular/material/form-field';
import { MatIcon } from '@angular/material/icon';
import { MatInput } from '@angular/material/input';
import type { ApprovalDecision, Decision } from './decide-approval';

/** The comment field and the Approve / Reject buttons of a held call. */
@Component({
  selector: 'lg-approval-actions',
  imports: [MatButton, MatFormField, MatHint, MatIcon, MatInput, MatLabel],
  template: `
    <mat-form-field appearance="outline" subscriptSizing="dynamic" class="comment">
      <mat-label>Comment (optional)</mat-label>
      <textarea
        #box
        matInput
        rows="1"
        maxlength="1000"
        data-testid="approval-comment"
        [value]="comment()"
        (input)="comment.set(box.value)"
      ></textarea>
      <mat-hint>Recorded with the decision; a rejection's comment is passed on to the agent</mat-hint>
    </mat-form-field>
    <div class="buttons">
      <button
        mat-stroked-button
        type="button"
        class="reject"
        data-testid="approval-reject"
        [disabled]="busy()"
        (click)="choose('reject')"
      >
        <mat-icon svgIcon="close" />
        Reject
      </button>
      <button
        mat-flat-button
        type="button"
        data-testid="approval-approve"
        [disabled]="busy()"
        (click)="choose('approve')"
      >
        <mat-icon svgIcon="check" />
        Approve
      </button>
    </div>
  `,
  styles: `
    :host {
      display: flex;
      flex-wrap: wrap;
      align-items: flex-start;
      gap: 12px 16px;
    }
    .comment {
      flex: 1 1 320px;
    }
    .buttons {
      display: flex;
      gap: 8px;
      padding-top: 8px;
    }
    .reject {
      --mat-button-outlined-label-text-color: var(--mat-sys-error);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ApprovalActions {
  /** A decision is on its way: the buttons wait. */
  readonly busy = input(false);
  readonly decide = output<ApprovalDecision>();
  protected readonly comment = signal('');

  protected choose(decision: Decision): void {
    this.decide.emit({ decision, comment: this.comment() });
  }
}
