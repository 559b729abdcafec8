import { Logger } from '@nestjs/common';
import { Telegram } from 'telegraf';
import type { CallbackQuery, Message, Update } from 'telegraf/types';
import {
  type AdapterContext,
  ChannelAuthError,
  type ChannelAdapter,
  type ChatButton,
  type ReplyTarget,
  type SentButtons,
} from '../adapters/channel-adapter.js';
import { type LimiterTimer, type LimitRule, SendLimiter } from '../send-limiter.js';
import { describeNetworkError, hostOf } from '../adapters/readable-error.js';
import { splitMessage } from '../split-message.js';
import { toTelegramMarkdown } from './telegram-markdown.js';
import { TELEGRAM_DEFAULT_API_ROOT } from './telegram.factory.js';
import { sleep } from '../../common/sleep.js';

/** Telegram's limit for one message's text. */
export const TELEGRAM_MESSAGE_LIMIT = 4096;

export interface TelegramConfig {
  botToken: string;
  /** A self-hosted Bot API server (or a test emulator); null = Telegram's. */
  apiRoot: string | null;
}

export interface TelegramAdapterOptions {
  /** Seconds a getUpdates long poll waits for news (Telegram's own timeout). */
  pollTimeoutSeconds?: number;
  /** A poll that comes back empty sooner than this waits the rest, so a server that does not hold the poll is not hammered. */
  minPollIntervalMs?: number;
  /** The send limiter's clock (tests that chat faster than Telegram's 1 message/s per chat replace it). */
  limiterTimer?: LimiterTimer;
}

/** How far a request may take beyond its own long-poll time before it counts as hung. */
const REQUEST_TIMEOUT_MS = 30_000;
const SEND_ATTEMPTS = 3;

interface TelegramError {
  code?: number;
  description?: string;
  parameters?: { retry_after?: number };
}

/**
 * Telegram through telegraf's Bot API client: long polling (getUpdates with an offset, so an update is
 * confirmed only after the manager stored it), private chats and groups (in a group only messages
 * that mention the bot or reply to it), typing, MarkdownV2 with a plain-text fallback, and Telegram's
 * rate limits (1 message/s per chat, 20/min per group, 30/s for the bot).
 */
export class TelegramAdapter implements ChannelAdapter {
  private readonly logger: Logger;
  private readonly telegram: Telegram;
  private readonly limiter: SendLimiter;
  private readonly pollTimeoutSeconds: number;
  private readonly minPollIntervalMs: number;
  private bot: { id: number; username: string } | null = null;
  /** `Telegram (api.telegram.org)`: who could not be reached, in errors. */
  private readonly peer: string;

  constructor(config: TelegramConfig, channel: { id: string; name: string }, options: TelegramAdapterOptions = {}) {
    this.logger = new Logger(`TelegramAdapter ${channel.name}`);
    const apiRoot = (config.apiRoot ?? TELEGRAM_DEFAULT_API_ROOT).replace(/\/*$/, '/');
    this.telegram = new Telegram(config.botToken, { apiRoot });
    this.peer = `Telegram (${hostOf(apiRoot)})`;
    this.pollTimeoutSeconds = options.pollTimeoutSeconds ?? 50;
    this.minPollIntervalMs = options.minPollIntervalMs ?? 500;
    this.limiter = new SendLimiter(undefined, options.limiterTimer);
  }

  async run(context: AdapterContext, signal: AbortSignal): Promise<void> {
    const me = await this.call<{ id: number; username: string }>('getMe', {}, signal);
    this.bot = { id: me.id, username: me.username };
    context.connected(`@${me.username}`);
    let offset: number | undefined;
    while (!signal.aborted) {
      const started = Date.now();
      let updates: Update[];
      try {
        updates = await this.call<Update[]>(
          'getUpdates',
          { offset, timeout: this.pollTimeoutSeconds, allowed_updates: ['message', 'callback_query'] },
          signal,
          this.pollTimeoutSeconds * 1000,
        );
      } catch (error) {
        if (signal.aborted) return;
        throw error;
      }
      for (const update of updates) {
        // Stored first; the next poll's offset then confirms it to Telegram.
        const message = 'message' in update ? update.message : undefined;
        if (message && 'text' in message) await this.receive(context, message);
        if ('callback_query' in update) await this.pressed(context, update.callback_query);
        offset = update.update_id + 1;
      }
      if (updates.length === 0) await sleep(this.minPollIntervalMs - (Date.now() - started), signal);
    }
  }

  /** Checks the bot token with getMe, receiving nothing. */
  async test(signal: AbortSignal): Promise<string> {
    const me = await this.call<{ username: string }>('getMe', {}, signal);
    return `${this.peer} answered and took the bot token: the bot is @${me.username}.`;
  }

  async send(target: ReplyTarget, text: string, buttons: ChatButton[] = []): Promise<SentButtons | void> {
    const chatId = Number(target.chatId);
    const group = chatId < 0;
    const rules: LimitRule[] = [
      { key: 'bot', limit: 30, windowMs: 1000 },
      { key: `chat:${chatId}`, limit: 1, windowMs: 1000 },
      ...(group ? [{ key: `group:${chatId}`, limit: 20, windowMs: 60_000 }] : []),
    ];
    const replyTo = target.inReplyTo ? Number(target.inReplyTo.split(':').pop()) : null;
    const parts = formatParts(text);
    for (const [index, part] of parts.entries()) {
      const last = index === parts.length - 1;
      const payload = {
        chat_id: chatId,
        ...(last && buttons.length > 0
          ? {
              reply_markup: {
                inline_keyboard: [buttons.map((button) => ({ text: button.label, callback_data: button.command }))],
              },
            }
          : {}),
        ...(target.threadId ? { message_thread_id: Number(target.threadId) } : {}),
        // In a group the first part quotes the message it answers, so people see who is answered.
        ...(group && index === 0 && replyTo
          ? { reply_parameters: { message_id: replyTo, allow_sending_without_reply: true } }
          : {}),
      };
      const messageId = await this.limiter.schedule(rules, () => this.sendPart(payload, part));
      if (last && buttons.length > 0) return { chatId: target.chatId, messageId: String(messageId) };
    }
  }

  /** The inline keyboard goes (Telegram keeps the text as it is; the note is for platforms that show one). */
  async closeButtons(sent: SentButtons): Promise<void> {
    await this.call('editMessageReplyMarkup', {
      chat_id: Number(sent.chatId),
      message_id: Number(sent.messageId),
      reply_markup: { inline_keyboard: [] },
    });
  }

  async typing(target: ReplyTarget): Promise<void> {
    try {
      await this.call('sendChatAction', {
        chat_id: Number(target.chatId),
        action: 'typing',
        ...(target.threadId ? { message_thread_id: Number(target.threadId) } : {}),
      });
    } catch (error) {
      this.logger.debug(`Typing indicator not shown: ${describe(error)}`);
    }
  }

  /** MarkdownV2 first; the plain text when Telegram refuses the formatting; waits out a 429. */
  /** Resolves with the message's id. */
  private async sendPart(payload: { chat_id: number }, part: FormattedPart): Promise<number> {
    let markdown = part.markdown;
    for (let attempt = 1; ; attempt++) {
      try {
        const sent = await this.call<{ message_id: number }>(
          'sendMessage',
          markdown ? { ...payload, text: markdown, parse_mode: 'MarkdownV2' } : { ...payload, text: part.plain },
        );
        return sent.message_id;
      } catch (error) {
        const failure = error as TelegramError;
        if (markdown && failure.code === 400 && /parse|entit/i.test(failure.description ?? '')) {
          this.logger.warn(`Telegram refused the formatting (${failure.description}); sending plain text`);
          markdown = null;
          continue;
        }
        const retryAfter = failure.parameters?.retry_after;
        if (failure.code === 429 && retryAfter !== undefined && attempt < SEND_ATTEMPTS) {
          await sleep(Math.min(retryAfter, 60) * 1000);
          continue;
        }
        throw new Error(`Telegram did not take the message: ${describe(error)}`, { cause: error });
      }
    }
  }

  private async receive(context: AdapterContext, message: Message.TextMessage): Promise<void> {
    const chat = message.chat;
    const from = message.from;
    if (!from || from.is_bot) return;
    let text = message.text;
    if (chat.type !== 'private') {
      if (!this.addressedToBot(message)) return; // group chatter not meant for the bot
      text = this.withoutMention(text);
    }
    if (!text.trim()) return;
    const name = [from.first_name, from.last_name].filter(Boolean).join(' ') || from.username || null;
    await context.receive({
      externalId: `${chat.id}:${message.message_id}`,
      chatId: String(chat.id),
      threadId: message.is_topic_message && message.message_thread_id ? String(message.message_thread_id) : null,
      sender: String(from.id),
      senderName: from.username ? `${name ?? ''} (@${from.username})`.trim() : name,
      text,
    });
  }

  /**
   * An inline-keyboard button was pressed: its command arrives as a message from the person who
   * pressed it, in the chat of the message that carried the button. The press is acknowledged so the
   * button stops spinning.
   */
  private async pressed(context: AdapterContext, query: CallbackQuery): Promise<void> {
    const data = 'data' in query ? query.data : undefined;
    const chat = query.message?.chat;
    if (!data || !chat || query.from.is_bot) return;
    const name = [query.from.first_name, query.from.last_name].filter(Boolean).join(' ') || null;
    await context.receive({
      externalId: `callback:${query.id}`,
      chatId: String(chat.id),
      threadId: null,
      sender: String(query.from.id),
      senderName: query.from.username ? `${name ?? ''} (@${query.from.username})`.trim() : name,
      text: data,
    });
    await this.call('answerCallbackQuery', { callback_query_id: query.id }).catch((error: unknown) => {
      this.logger.debug(`Button press not acknowledged: ${describe(error)}`);
    });
  }

  /** In a group: the bot is @mentioned (or text-mentioned), or the message replies to the bot. */
  private addressedToBot(message: Message.TextMessage): boolean {
    const bot = this.bot;
    if (!bot) return false;
    if (message.reply_to_message?.from?.id === bot.id) return true;
    for (const entity of message.entities ?? []) {
      if (entity.type === 'text_mention' && entity.user.id === bot.id) return true;
      const value = message.text.slice(entity.offset, entity.offset + entity.length).toLowerCase();
      if (entity.type === 'mention' && value === `@${bot.username.toLowerCase()}`) return true;
      if (entity.type === 'bot_command' && value.endsWith(`@${bot.username.toLowerCase()}`)) return true;
    }
    return this.mentionPattern().test(message.text);
  }

  private withoutMention(text: string): string {
    return text.replace(this.mentionPattern(), ' ').replace(/\s+/g, ' ').trim();
  }

  private mentionPattern(): RegExp {
    const username = (this.bot?.username ?? '').replace(/[^\w]/g, '');
    return new RegExp(`(^|[^\\w@])@${username}\\b`, 'gi');
  }

  /** One Bot API call with a time limit; a rejected token becomes a ChannelAuthError. */
  private async call<T = never>(method: string, payload: object, signal?: AbortSignal, extraMs = 0): Promise<T> {
    const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS + extraMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    try {
      return (await this.telegram.callApi(method as never, payload as never, { signal: combined as never })) as T;
    } catch (error) {
      const failure = error as TelegramError;
      if (failure.code === 401 || failure.code === 404) {
        throw new ChannelAuthError(
          `Telegram rejected the bot token (${failure.code} ${failure.description ?? 'Unauthorized'})`,
        );
      }
      if (timeout.aborted && !signal?.aborted)
        throw new Error(
          `${this.peer} did not answer ${method} within ${Math.round((REQUEST_TIMEOUT_MS + extraMs) / 1000)} s`,
          {
            cause: error,
          },
        );
      // A network failure's own message carries the request URL, and with it the bot token.
      const network = signal?.aborted ? null : describeNetworkError(error, this.peer);
      if (network) throw new Error(network, { cause: error });
      throw error;
    }
  }
}

interface FormattedPart {
  /** MarkdownV2, or null to send the plain text. */
  markdown: string | null;
  plain: string;
}

/** Parts within Telegram's limit both as MarkdownV2 and as plain text (escaping makes text longer). */
export function formatParts(text: string, limit = TELEGRAM_MESSAGE_LIMIT): FormattedPart[] {
  const parts: FormattedPart[] = [];
  const add = (plain: string): void => {
    const markdown = toTelegramMarkdown(plain);
    if (markdown.length <= limit) parts.push({ markdown, plain });
    else if (plain.length < 200) parts.push({ markdown: null, plain });
    else for (const half of splitMessage(plain, Math.ceil(plain.length / 2) + 1)) add(half);
  };
  for (const part of splitMessage(text, limit)) add(part);
  return parts;
}

function describe(error: unknown): string {
  const failure = error as TelegramError;
  if (failure?.code !== undefined) return `${failure.code} ${failure.description ?? ''}`.trim();
  return error instanceof Error ? error.message : String(error);
}
