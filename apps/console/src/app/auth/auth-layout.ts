import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { MatCard } from '@angular/material/card';
import { PRODUCT_NAME } from '../core/ui/title-strategy';

/** The centred card around the set-up and login forms. */
@Component({
  selector: 'lg-auth-layout',
  imports: [MatCard],
  template: `
    <main class="page">
      <mat-card appearance="outlined" class="card">
        <div class="brand">
          <img src="favicon.svg" alt="" width="40" height="40" />
          <div>
            <div class="product">{{ productName }}</div>
            <div class="tagline">Admin console</div>
          </div>
        </div>
        <h1>{{ heading() }}</h1>
        @if (lead()) {
          <p class="lead">{{ lead() }}</p>
        }
        <ng-content />
      </mat-card>
    </main>
  `,
  styles: `
    .page {
      min-height: 100vh;
      display: grid;
      place-items: center;
      padding: 24px;
      box-sizing: border-box;
      background: var(--mat-sys-surface-container-low);
    }
    .card {
      width: min(420px, 100%);
      padding: 32px;
      box-sizing: border-box;
    }
    .brand {
      display: flex;
      align-items: center;
      gap: 12px;
      margin-bottom: 24px;
    }
    .product {
      font: var(--mat-sys-title-large);
    }
    .tagline {
      font: var(--mat-sys-body-small);
      color: var(--mat-sys-on-surface-variant);
    }
    h1 {
      margin: 0;
      font: var(--mat-sys-headline-small);
    }
    .lead {
      margin: 8px 0 0;
      color: var(--mat-sys-on-surface-variant);
      font: var(--mat-sys-body-medium);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AuthLayout {
  readonly heading = input.required<string>();
  readonly lead = input<string>();
  protected readonly productName = PRODUCT_NAME;
}
