import { ChangeDetectionStrategy, Component, input } from '@angular/core';

/** A page's title and one line about it; actions (buttons) can be projected to the right. */
@Component({
  selector: 'lg-page-header',
  template: `
    <header class="page-header">
      <div>
        <h1>{{ heading() }}</h1>
        @if (lead()) {
          <p>{{ lead() }}</p>
        }
      </div>
      <ng-content />
    </header>
  `,
  styles: `
    .page-header {
      display: flex;
      align-items: center;
      justify-content: space-between;
      gap: 16px;
      flex-wrap: wrap;
      margin-bottom: 24px;
    }
    h1 {
      margin: 0;
      font: var(--mat-sys-headline-small);
    }
    p {
      margin: 4px 0 0;
      color: var(--mat-sys-on-surface-variant);
      font: var(--mat-sys-body-medium);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PageHeader {
  readonly heading = input.required<string>();
  readonly lead = input<string>();
}
