import { ChangeDetectionStrategy, Component, effect, input, signal } from '@angular/core';
import { toString as qrSvg } from 'qrcode';

/**
 * A WhatsApp pairing QR code, drawn as SVG from the text the gateway sends (`qr` on the channel and
 * on `channel:status`). Redrawn whenever a new code arrives; WhatsApp issues one about every 20 s.
 */
@Component({
  selector: 'lg-channel-qr',
  template: `
    @if (image(); as drawn) {
      <img
        data-testid="channel-qr-image"
        [src]="drawn.src"
        [attr.data-qr]="drawn.qr"
        width="264"
        height="264"
        alt="WhatsApp pairing QR code"
      />
    } @else if (failed()) {
      <span class="failed">The QR code could not be drawn.</span>
    }
  `,
  styles: `
    :host {
      display: inline-block;
      line-height: 0;
    }
    img {
      background: #fff;
      border-radius: 8px;
      image-rendering: pixelated;
    }
    .failed {
      line-height: normal;
      color: var(--mat-sys-error);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ChannelQr {
  /** The QR code's text, as Baileys issues it. */
  readonly qr = input.required<string>();

  /** The code drawn last (the previous one stays until the next is drawn) and its SVG as a data URL. */
  protected readonly image = signal<{ qr: string; src: string } | null>(null);
  protected readonly failed = signal(false);

  constructor() {
    effect((onCleanup) => {
      const text = this.qr();
      let current = true;
      onCleanup(() => (current = false));
      qrSvg(text, { type: 'svg', errorCorrectionLevel: 'L', margin: 2 }).then(
        (svg) => {
          if (!current) return;
          this.failed.set(false);
          this.image.set({ qr: text, src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}` });
        },
        () => {
          if (!current) return;
          this.image.set(null);
          this.failed.set(true);
        },
      );
    });
  }
}
