import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { MatTooltip } from '@angular/material/tooltip';
import { ActivityFeedStore } from './activity-feed.store';

/** The live activity list: newest first, one line per event with its time and a short summary. */
@Component({
  selector: 'lg-activity-feed',
  imports: [DatePipe, MatTooltip],
  templateUrl: './activity-feed.html',
  styleUrl: './activity-feed.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ActivityFeed {
  private readonly store = inject(ActivityFeedStore);

  /** Show at most this many entries (all the store keeps when unset). */
  readonly max = input<number>();

  protected readonly entries = computed(() => {
    const max = this.max();
    const entries = this.store.entries();
    return max === undefined ? entries : entries.slice(0, max);
  });
}
