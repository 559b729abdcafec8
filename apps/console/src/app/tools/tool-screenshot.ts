import { ChangeDetectionStrategy, Component, effect, inject, input, signal } from '@angular/core';
import { getToolScreenshot } from '@loop-gateway/api-client';
import { API_CLIENT } from '../core/api/api-client';

/**
 * A screenshot web_browse took, fetched through the API client (the endpoint needs the session's
 * bearer token, which an <img src> cannot send) and shown from an object URL.
 */
@Component({
  selector: 'lg-tool-screenshot',
  template: `
    @if (url(); as src) {
      <a [href]="src" target="_blank" rel="noopener">
        <img [src]="src" alt="Screenshot of the page the agent opened" data-testid="tool-screenshot" />
      </a>
    } @else if (failed()) {
      <p class="missing" data-testid="tool-screenshot-missing">The screenshot is no longer available.</p>
    }
  `,
  styles: `
    img {
      display: block;
      max-width: 100%;
      margin-top: 8px;
      border: 1px solid var(--mat-sys-outline-variant);
      border-radius: 8px;
    }
    .missing {
      margin: 8px 0 0;
      font: var(--mat-sys-body-small);
      color: var(--mat-sys-on-surface-variant);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ToolScreenshot {
  private readonly api = inject(API_CLIENT);
  readonly id = input.required<string>();
  protected readonly url = signal<string | null>(null);
  protected readonly failed = signal(false);

  constructor() {
    effect((onCleanup) => {
      const id = this.id();
      const state = { current: true, objectUrl: null as string | null };
      onCleanup(() => {
        state.current = false;
        if (state.objectUrl) URL.revokeObjectURL(state.objectUrl);
      });
      this.url.set(null);
      this.failed.set(false);
      void getToolScreenshot({ client: this.api, path: { id } }).then(({ data }) => {
        if (!state.current) return;
        if (data instanceof Blob) {
          state.objectUrl = URL.createObjectURL(data);
          this.url.set(state.objectUrl);
        } else {
          this.failed.set(true);
        }
      });
    });
  }
}
