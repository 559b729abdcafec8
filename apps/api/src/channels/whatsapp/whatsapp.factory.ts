import { Injectable } from '@nestjs/common';
import type { ChannelAdapter, ChannelAdapterFactory } from '../adapters/channel-adapter.js';
import { LazyAdapter } from '../adapters/lazy-adapter.js';
import { normalizeSender, senderProblem } from './whatsapp-sender.js';
import type { WhatsAppAdapterOptions } from './whatsapp.adapter.js';

/** A WhatsApp channel has no settings: the account is linked by scanning its QR code. */
export type WhatsAppConfig = Record<string, never>;

@Injectable()
export class WhatsAppAdapterFactory implements ChannelAdapterFactory<WhatsAppConfig> {
  readonly type = 'whatsapp' as const;
  readonly pairing = 'qr' as const;
  /** Tests pass a socket they drive (WhatsApp's servers are out of reach) and a shorter watchdog. */
  options: WhatsAppAdapterOptions = {};

  validateConfig(raw: Record<string, unknown>): { config: WhatsAppConfig } | { error: string } {
    const unknown = Object.keys(raw);
    if (unknown.length > 0) {
      return {
        error: `config.${unknown.join(', config.')} ${unknown.length === 1 ? 'is not a WhatsApp setting' : 'are not WhatsApp settings'} (WhatsApp channels take none: config is {} and the account is linked by QR code)`,
      };
    }
    return { config: {} };
  }

  validateSender(sender: string): string | null {
    return senderProblem(sender);
  }

  normalizeSender(sender: string): string {
    return normalizeSender(sender);
  }

  describeConfig(): Record<string, unknown> {
    return {};
  }

  /** Baileys loads with the first WhatsApp channel that runs. */
  create(_config: WhatsAppConfig, channel: { id: string; name: string }): ChannelAdapter {
    return new LazyAdapter(
      async () => new (await import('./whatsapp.adapter.js')).WhatsAppAdapter(channel, this.options),
    );
  }
}
