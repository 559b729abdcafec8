import { Injectable } from '@nestjs/common';
import type { ChannelAdapterFactory } from '../adapters/channel-adapter.js';
import { isHttpUrl } from '../adapters/http-url.js';
import { TELEGRAM_DEFAULT_API_ROOT, TelegramAdapter, type TelegramConfig } from './telegram.adapter.js';

/** `123456789:AA…` — the bot's id, a colon, and a secret of letters, digits, `_` and `-`. */
const BOT_TOKEN = /^\d{1,20}:[\w-]{20,200}$/;

@Injectable()
export class TelegramAdapterFactory implements ChannelAdapterFactory<TelegramConfig> {
  readonly type = 'telegram' as const;
  /** Tests shorten the idle pause between polls of an emulator that answers at once. */
  options: ConstructorParameters<typeof TelegramAdapter>[2] = {};

  validateConfig(raw: Record<string, unknown>): { config: TelegramConfig } | { error: string } {
    const unknown = Object.keys(raw).find((key) => key !== 'botToken' && key !== 'apiRoot');
    if (unknown) return { error: `config.${unknown} is not a Telegram setting (botToken, apiRoot)` };
    const { botToken, apiRoot } = raw;
    if (botToken === undefined || botToken === null || botToken === '') return { error: 'config.botToken is required' };
    if (typeof botToken !== 'string' || !BOT_TOKEN.test(botToken.trim()))
      return { error: 'config.botToken must be a bot token from @BotFather (123456789:ABC…)' };
    if (apiRoot !== undefined && apiRoot !== null && apiRoot !== '') {
      if (typeof apiRoot !== 'string' || apiRoot.length > 500 || !isHttpUrl(apiRoot))
        return { error: 'config.apiRoot must be an http:// or https:// URL' };
    }
    return {
      config: { botToken: botToken.trim(), apiRoot: typeof apiRoot === 'string' && apiRoot ? apiRoot : null },
    };
  }

  validateSender(sender: string): string | null {
    return /^-?\d{1,20}$/.test(sender) ? null : 'must be a numeric Telegram user id';
  }

  describeConfig(config: TelegramConfig): Record<string, unknown> {
    return { hasBotToken: Boolean(config.botToken), apiRoot: config.apiRoot ?? TELEGRAM_DEFAULT_API_ROOT };
  }

  create(config: TelegramConfig, channel: { id: string; name: string }): TelegramAdapter {
    return new TelegramAdapter(config, channel, this.options);
  }
}
