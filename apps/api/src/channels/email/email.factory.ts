import { Injectable } from '@nestjs/common';
import type { ChannelAdapterFactory } from '../adapters/channel-adapter.js';
import { describeEmailConfig, type EmailConfig, isEmailAddress, validateEmailConfig } from './email-config.js';
import type { ChannelAdapter } from '../adapters/channel-adapter.js';
import { LazyAdapter } from '../adapters/lazy-adapter.js';
import type { EmailAdapterOptions } from './email.adapter.js';

/** A whole domain on the whitelist: `@example.com`. */
const DOMAIN = /^@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/;

@Injectable()
export class EmailAdapterFactory implements ChannelAdapterFactory<EmailConfig> {
  readonly type = 'email' as const;
  /** Tests poll faster or turn IDLE off. */
  options: EmailAdapterOptions = {};

  validateConfig(raw: Record<string, unknown>): { config: EmailConfig } | { error: string } {
    return validateEmailConfig(raw);
  }

  validateSender(sender: string): string | null {
    return isEmailAddress(sender) || DOMAIN.test(sender)
      ? null
      : 'must be an email address (alice@example.com) or a whole domain (@example.com)';
  }

  /** Addresses are matched case-insensitively: stored lowercased, as senders are. */
  normalizeSender(sender: string): string {
    return sender.toLowerCase();
  }

  describeConfig(config: EmailConfig): Record<string, unknown> {
    return describeEmailConfig(config);
  }

  /** IMAP, SMTP and mail parsing load with the first email channel that runs. */
  create(config: EmailConfig, channel: { id: string; name: string }): ChannelAdapter {
    return new LazyAdapter(
      async () => new (await import('./email.adapter.js')).EmailAdapter(config, channel, this.options),
    );
  }
}
