import { Injectable } from '@nestjs/common';
import type { ChannelAdapterFactory } from '../adapters/channel-adapter.js';
import { describeEmailConfig, type EmailConfig, isEmailAddress, validateEmailConfig } from './email-config.js';
import { EmailAdapter, type EmailAdapterOptions } from './email.adapter.js';

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

  create(config: EmailConfig, channel: { id: string; name: string }): EmailAdapter {
    return new EmailAdapter(config, channel, this.options);
  }
}
