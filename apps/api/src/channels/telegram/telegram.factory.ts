import { Injectable } from '@nestjs/common';
import type { ChannelAdapterFactory } from '../adapters/channel-adapter.js';
import { isHttpUrl } from '../adapters/http-url.js';
import { LazyAdapter } from '../adapters/lazy-adapter.js';
import type { ChannelAdapter } from '../adapters/channel-adapter.js';
import type { TelegramAdapterOptions, TelegramConfig } from './telegram.adapter.js';

/** Telegram's own Bot API server, when a channel names none. */
export const TELEGRAM_DEFAULT_API_ROOT = 'https://api.telegram.org';

/** `123456789:AA…` — the bot's id, a colon, and a secret of letters, digits, `_` and `-`. */
const BOT_TOKEN = /^\d{1,20}:[\w-]{20,200}$/;

@Injectable()
export class TelegramAdapterFactory implements ChannelAdapterFactory<TelegramConfig> {
  readonly type = 'telegram' as const;
  /** Tests shorten the idle pause between polls of an emulator that answers at once. */
  options: TelegramAdapterOptions = {};

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

  /** telegraf loads with the first Telegram channel that runs. */
  create(config: TelegramConfig, channel: { id: string; name: string }): ChannelAdapter {
    return new LazyAdapter(
      async () => new (await import('./telegram.adapter.js')).TelegramAdapter(config, channel, this.options),
    );
  }
}
