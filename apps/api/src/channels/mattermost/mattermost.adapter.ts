import { Logger } from '@nestjs/common';
import WebSocket from 'ws';
import {
  type AdapterContext,
  ChannelAuthError,
  type ChannelAdapter,
  type ChatButton,
  type InboundMessage,
  type ReplyTarget,
  type SentButtons,
} from '../adapters/channel-adapter.js';
import { CHAT_COMMANDS } from '../channel-commands.js';
import { describeNetworkError } from '../adapters/readable-error.js';
import { splitMessage } from '../split-message.js';
import { MattermostClient, type MattermostPost, type MattermostUser } from './mattermost-client.js';
import { ButtonSigner, callbackUrl, SlashCommands } from './mattermost-integrations.js';

/** Mattermost's limit for one post's message (16,383 characters); parts stay a little below it. */
export const MATTERMOST_POST_LIMIT = 16_383;
const PART_LIMIT = MATTERMOST_POST_LIMIT - 100;

export interface MattermostConfig {
  /** The server's address, `https://chat.example.com`. */
  serverUrl: string;
  /** A bot account's (or personal) access token. */
  botToken: string;
  /** Only channel posts of this team (id or name) are answered; null = every team the bot is in. */
  team: string | null;
  /**
   * The gateway's address as the Mattermost server reaches it (`https://gateway.example.com`). With it
   * the bot offers interactive buttons and registers the chat commands as slash commands; without it,
   * people answer with `!approve <id>` or `@bot approve <id>`.
   */
  gatewayUrl?: string | null;
}

/** What Mattermost posts to an interactive button's URL when it is pressed (PostActionIntegrationRequest). */
export interface MattermostActionCall {
  user_id?: unknown;
  user_name?: unknown;
  channel_id?: unknown;
  post_id?: unknown;
  trigger_id?: unknown;
  context?: unknown;
}

/** What Mattermost posts (as a form) to a slash command's URL. */
export interface MattermostCommandCall {
  token?: unknown;
  team_id?: unknown;
  channel_id?: unknown;
  user_id?: unknown;
  user_name?: unknown;
  command?: unknown;
  text?: unknown;
  trigger_id?: unknown;
}

/** A callback that does not come from this channel's Mattermost server (wrong signature or token). */
export class MattermostCallbackRefused extends Error {}

/** A callback arrived while the adapter reconnects: Mattermost may try again. */
export class MattermostNotConnected extends Error {}

export interface MattermostAdapterOptions {
  /** How often the bot pings the server over the WebSocket. */
  pingIntervalMs?: number;
  /** A connection that answered nothing for the ping interval plus this long is dead and reconnected. */
  pongTimeoutMs?: number;
}

/** The `posted` event's data, as the server sends it (the post is a JSON string). */
interface PostedData {
  channel_type?: string;
  post?: string;
  sender_name?: string;
  team_id?: string;
  /** A JSON string of the mentioned user ids, present only when someone was mentioned. */
  mentions?: string;
}

interface WebSocketEnvelope {
  event?: string;
  data?: Record<string, unknown>;
  seq?: number;
  seq_reply?: number;
  status?: 'OK' | 'FAIL';
  error?: { message?: string; status_code?: number };
}

/** Per channel: the newest post seen (what a dropped connection missed is fetched from there). */
type Cursors = Record<string, { since: number }>;
const CURSORS_KEY = 'cursors';
const USER_ID = /^[a-z0-9]{26}$/;
/** How far back posts are fetched after the gateway was down. */
const CATCH_UP_AT_MOST_MS = 24 * 3600_000;
/** How many channels' cursors are kept (the oldest are forgotten first). */
const MAX_CURSORS = 500;
const THREADS_KEY = 'threads';
/** How many followed threads are kept (the least recently active are forgotten first). */
const MAX_THREADS = 2000;

/**
 * Mattermost through its REST API v4 and WebSocket: the socket authenticates with an
 * `authentication_challenge` (the token never goes in a URL), `posted` events are answered in direct
 * messages, and in channels when they @mention the bot and then for the rest of that thread. Replies
 * go into the post's thread (`root_id`), split below the post limit. The bot pings the server and
 * treats a silent connection as dead; after a reconnect it fetches the posts the dropped socket missed
 * (a reconnect authenticated by token is a new connection: the server does not replay them). Its own
 * posts and other bots' are ignored.
 */
export class MattermostAdapter implements ChannelAdapter {
  private readonly logger: Logger;
  private readonly client: MattermostClient;
  private readonly pingIntervalMs: number;
  private readonly pongTimeoutMs: number;
  private bot: MattermostUser | null = null;
  private teamId: string | null = null;
  private cursors: Cursors | null = null;
  /** Root ids of the channel threads the bot was mentioned in, oldest activity first. */
  private threads: string[] | null = null;
  private readonly users = new Map<string, MattermostUser>();
  private readonly directChats = new Map<string, string>();
  private connections = 0;
  /** When the previous connection last heard from the server: posts after it may have been missed. */
  private lastHeardAt: number | null = null;
  /** The manager's context while the adapter runs (button presses and slash commands arrive through it). */
  private context: AdapterContext | null = null;
  private readonly signer: ButtonSigner;
  readonly slashCommands: SlashCommands;
  private commandsRegistered = false;

  constructor(
    private readonly config: MattermostConfig,
    private readonly channel: { id: string; name: string },
    options: MattermostAdapterOptions = {},
  ) {
    this.logger = new Logger(`MattermostAdapter ${channel.name}`);
    this.client = new MattermostClient(config.serverUrl, config.botToken);
    this.signer = new ButtonSigner(config.botToken);
    this.slashCommands = new SlashCommands(this.client, this.logger);
    this.pingIntervalMs = options.pingIntervalMs ?? 30_000;
    this.pongTimeoutMs = options.pongTimeoutMs ?? 15_000;
  }

  async run(context: AdapterContext, signal: AbortSignal): Promise<void> {
    const me = await this.client.me(signal);
    this.bot = me;
    if (this.config.team && this.teamId === null) this.teamId = await this.resolveTeam(this.config.team);
    this.cursors ??= parseJson<Cursors>(await context.store.get(CURSORS_KEY), {});
    this.threads ??= parseJson<string[]>(await context.store.get(THREADS_KEY), []);
    if (this.config.gatewayUrl && !this.commandsRegistered) {
      // Once per adapter (a reconnect keeps them); what fails is logged and left to the other forms.
      await this.slashCommands.register(
        me.id,
        this.teamId,
        callbackUrl(this.config.gatewayUrl, this.channel.id, 'commands'),
      );
      this.commandsRegistered = true;
    }
    this.context = context;
    try {
      await this.listen(context, signal, me);
    } finally {
      this.context = null;
    }
  }

  /** The channel is being deleted: its slash commands go from the server (they would call a gateway route that is gone). */
  async forget(signal: AbortSignal): Promise<void> {
    if (!this.config.gatewayUrl) return;
    const me = await this.client.me(signal);
    const team = this.config.team ? (this.teamId ?? (await this.resolveTeam(this.config.team))) : null;
    const url = callbackUrl(this.config.gatewayUrl, this.channel.id, 'commands');
    const deleted = await this.slashCommands.unregister(me.id, team, url);
    if (deleted > 0) this.logger.log(`Removed the ${deleted} slash command(s) of the deleted channel`);
  }

  /** Checks the server and the token (and the team, when one is set), receiving nothing. */
  async test(signal: AbortSignal): Promise<string> {
    const me = await this.client.me(signal);
    if (this.config.team) await this.resolveTeam(this.config.team);
    return `${this.client.peer} answered and took the token: the bot is @${me.username}${this.config.team ? ` in team ${this.config.team}` : ''}.`;
  }

  /**
   * Posts the reply, split below the post limit. Buttons go with the last part as an attachment's
   * interactive buttons when Mattermost can call the gateway back (`gatewayUrl`); else the text says
   * how to answer.
   */
  async send(target: ReplyTarget, text: string, buttons?: ChatButton[]): Promise<SentButtons | void> {
    const parts = splitMessage(text, PART_LIMIT);
    const gatewayUrl = this.config.gatewayUrl;
    for (const [index, part] of parts.entries()) {
      const withButtons = gatewayUrl && buttons?.length && index === parts.length - 1;
      const post = await this.client.createPost({
        channel_id: target.chatId,
        message: part,
        root_id: target.threadId ?? '',
        ...(withButtons
          ? {
              props: {
                attachments: [
                  {
                    text: '',
                    actions: this.signer.actions(
                      callbackUrl(gatewayUrl, this.channel.id, 'actions'),
                      target.chatId,
                      buttons,
                    ),
                  },
                ],
              },
            }
          : {}),
      });
      if (withButtons) return { chatId: target.chatId, messageId: post.id };
    }
  }

  /** The buttons go from the post; the note stands where they were. */
  async closeButtons(sent: SentButtons, note: string): Promise<void> {
    await this.client.patchPost(sent.messageId, { props: { attachments: [{ text: note }] } });
  }

  /**
   * A button of one of the bot's posts was pressed: Mattermost's server posts the action's context
   * back. Its command arrives as a message from the person who pressed it, in the post's channel
   * (the same approver check as a typed command). Throws MattermostCallbackRefused when the context
   * was not signed by this bot for that channel.
   */
  async buttonPressed(call: MattermostActionCall): Promise<void> {
    const context = this.context;
    const channelId = typeof call.channel_id === 'string' ? call.channel_id : '';
    const userId = typeof call.user_id === 'string' ? call.user_id : '';
    const command = this.signer.verify(channelId, call.context);
    if (!command || !USER_ID.test(userId)) throw new MattermostCallbackRefused('The button was not signed by this bot');
    if (!context) throw new MattermostNotConnected('The channel is reconnecting');
    const postId = typeof call.post_id === 'string' ? call.post_id : '';
    const triggerId = typeof call.trigger_id === 'string' && call.trigger_id ? call.trigger_id : String(Date.now());
    await this.receiveFrom(context, userId, {
      externalId: `action:${postId}:${userId}:${triggerId}`.slice(0, 200),
      chatId: channelId,
      threadId: null,
      text: command,
    });
  }

  /**
   * A slash command the bot registered was run: it arrives as the command's text from the person who
   * ran it, in that channel. Throws MattermostCallbackRefused when the token is not one of ours.
   */
  async slashCommand(call: MattermostCommandCall, headerToken: string | null): Promise<void> {
    const field = (value: unknown) => (typeof value === 'string' ? value : '');
    const token = field(call.token) || headerToken || '';
    const line = this.slashCommands.verify(token, field(call.team_id), field(call.command), field(call.text));
    const userId = field(call.user_id);
    const channelId = field(call.channel_id);
    if (!line || !USER_ID.test(userId) || !USER_ID.test(channelId))
      throw new MattermostCallbackRefused('Not a slash command of this bot');
    const context = this.context;
    if (!context) throw new MattermostNotConnected('The channel is reconnecting');
    await this.receiveFrom(context, userId, {
      externalId: `command:${field(call.trigger_id).slice(0, 100) || `${userId}:${Date.now()}`}`,
      chatId: channelId,
      threadId: null,
      text: line,
    });
  }

  private async receiveFrom(
    context: AdapterContext,
    userId: string,
    message: Pick<InboundMessage, 'externalId' | 'chatId' | 'threadId' | 'text'>,
  ): Promise<void> {
    const sender = await this.sender(userId);
    if (sender?.is_bot) return;
    const name = sender ? [sender.first_name, sender.last_name].filter(Boolean).join(' ') : '';
    await context.receive({
      ...message,
      sender: userId,
      senderName: sender ? `${name} (@${sender.username})`.trim() : null,
      senderAliases: sender ? [sender.username.toLowerCase()] : [],
    });
  }

  async typing(target: ReplyTarget): Promise<void> {
    if (!this.bot) return;
    try {
      await this.client.typing(this.bot.id, target.chatId, target.threadId ?? '');
    } catch (error) {
      this.logger.debug(`Typing indicator not shown: ${describe(error)}`);
    }
  }

  /** The direct-message channel with a user of the whitelist or an approver (by id or username). */
  async directChat(sender: string): Promise<string> {
    const cached = this.directChats.get(sender);
    if (cached) return cached;
    const bot = this.bot ?? (this.bot = await this.client.me());
    const userId = USER_ID.test(sender) ? sender : (await this.client.userByUsername(sender)).id;
    const channel = await this.client.directChannel(bot.id, userId);
    this.directChats.set(sender, channel.id);
    return channel.id;
  }

  /** One WebSocket connection: authenticates, catches up, then handles events until it drops. */
  private listen(context: AdapterContext, signal: AbortSignal, me: MattermostUser): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const socket = new WebSocket(this.client.websocketUrl(), { handshakeTimeout: 30_000 });
      let seq = 1;
      let authenticated = false;
      let lastHeard = Date.now();
      const previousHeard = this.lastHeardAt ?? lastHeard;
      let settled = false;
      // Events are handled one after another, in the order the server sent them.
      let queue: Promise<void> = Promise.resolve();
      const finish = (error?: Error): void => {
        if (settled) return;
        settled = true;
        clearInterval(pinger);
        signal.removeEventListener('abort', onAbort);
        socket.removeAllListeners('message');
        if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) socket.terminate();
        // What was being stored finishes before the adapter reports the end.
        void queue.finally(() => (error && !signal.aborted ? reject(error) : resolve()));
      };
      const onAbort = (): void => finish();
      signal.addEventListener('abort', onAbort, { once: true });
      const pinger = setInterval(() => {
        if (Date.now() - lastHeard > this.pingIntervalMs + this.pongTimeoutMs) {
          finish(new Error('Mattermost stopped answering on the WebSocket'));
          return;
        }
        if (authenticated) socket.send(JSON.stringify({ seq: seq++, action: 'ping' }));
      }, this.pingIntervalMs);

      socket.on('open', () => {
        socket.send(
          JSON.stringify({ seq: seq++, action: 'authentication_challenge', data: { token: this.config.botToken } }),
        );
      });
      socket.on('error', (error) =>
        finish(
          new Error(
            describeNetworkError(error, `${this.client.peer}'s WebSocket`) ??
              `${this.client.peer}'s WebSocket failed: ${error.message}`,
            { cause: error },
          ),
        ),
      );
      socket.on('close', (code) => finish(new Error(`The Mattermost WebSocket closed (${code})`)));
      socket.on('message', (raw) => {
        lastHeard = Date.now();
        this.lastHeardAt = lastHeard;
        let envelope: WebSocketEnvelope;
        try {
          envelope = JSON.parse(String(raw)) as WebSocketEnvelope;
        } catch {
          return;
        }
        if (envelope.seq_reply === 1) {
          if (envelope.status !== 'OK') {
            finish(
              new ChannelAuthError(
                `Mattermost refused the WebSocket login (${envelope.error?.message ?? 'authentication failed'})`,
              ),
            );
            return;
          }
          authenticated = true;
          const missedSince = this.connections++ > 0 ? previousHeard : this.sinceLastRun();
          context.connected(`@${me.username}`);
          if (missedSince !== null) {
            queue = queue.then(() => this.catchUp(context, missedSince)).catch((error) => finish(asError(error)));
          }
          return;
        }
        if (envelope.event !== 'posted' || !envelope.data) return;
        const data = envelope.data as PostedData;
        queue = queue.then(() => this.onPosted(context, data)).catch((error) => finish(asError(error)));
      });
    });
  }

  private async onPosted(context: AdapterContext, data: PostedData): Promise<void> {
    if (!data.post) return;
    const post = JSON.parse(data.post) as MattermostPost;
    const mentions = data.mentions ? (JSON.parse(data.mentions) as string[]) : [];
    await this.handlePost(context, post, data.channel_type ?? 'O', data.team_id ?? '', mentions);
  }

  /**
   * At the first connection of this process: the newest post seen before the gateway stopped, so
   * what was posted while it was down is answered (at most a day back; null on a channel's first start).
   */
  private sinceLastRun(): number | null {
    const seen = Object.values(this.cursors ?? {}).map((cursor) => cursor.since);
    if (seen.length === 0) return null;
    return Math.max(...seen, Date.now() - CATCH_UP_AT_MOST_MS);
  }

  /**
   * What a dropped socket missed: the posts of every channel of the bot with a post since the old
   * connection last heard from the server (or since the newest post seen there, if older).
   */
  private async catchUp(context: AdapterContext, missedSince: number): Promise<void> {
    const me = this.bot!;
    for (const channel of await this.client.channelsOf(me.id)) {
      const since = Math.min(this.cursors?.[channel.id]?.since ?? missedSince, missedSince);
      if (channel.last_post_at <= since) continue;
      const list = await this.client.postsSince(channel.id, since);
      const posts = Object.values(list.posts)
        .filter((post) => post.create_at > since)
        .sort((a, b) => a.create_at - b.create_at);
      for (const post of posts) await this.handlePost(context, post, channel.type, channel.team_id, null);
    }
  }

  /**
   * Hands a post to the manager when the bot should answer it. `mentions` null: not known (a post
   * fetched after a reconnect), so the text is searched for the bot's @username.
   */
  private async handlePost(
    context: AdapterContext,
    post: MattermostPost,
    channelType: string,
    teamId: string | null,
    mentions: string[] | null,
  ): Promise<void> {
    const bot = this.bot!;
    if (post.user_id === bot.id || post.type !== '' || post.props?.from_bot === 'true' || post.props?.from_webhook)
      return;
    const direct = channelType === 'D';
    if (!direct && this.teamId && teamId !== null && teamId !== '' && teamId !== this.teamId) return;
    const threadRoot = post.root_id || post.id;
    const mentioned = mentions ? mentions.includes(bot.id) : this.mentionPattern('i').test(post.message);
    if (!direct) {
      const followed = post.root_id ? (this.threads ?? []).includes(post.root_id) : false;
      if (!mentioned && !followed) return;
    }
    const sender = await this.sender(post.user_id);
    if (sender?.is_bot) return;
    const text = this.asCommand(post.message) ?? (direct ? post.message.trim() : this.withoutMention(post.message));
    await this.remember(context, post, !direct && mentioned ? threadRoot : null);
    if (!text) return;
    await this.receiveFrom(context, post.user_id, {
      externalId: post.id,
      chatId: post.channel_id,
      // Direct messages are one conversation (threads in them their own); a channel thread is one conversation.
      threadId: direct ? post.root_id || null : threadRoot,
      text,
    });
  }

  /** Moves the channel's cursor past the post and, for a mention in a channel, follows its thread. */
  private async remember(context: AdapterContext, post: MattermostPost, followThread: string | null): Promise<void> {
    const cursors = (this.cursors ??= {});
    const previous = cursors[post.channel_id]?.since ?? 0;
    delete cursors[post.channel_id]; // re-inserted last: the most recently active channel is kept longest
    cursors[post.channel_id] = { since: Math.max(previous, post.create_at) };
    const keys = Object.keys(cursors);
    for (const key of keys.slice(0, Math.max(0, keys.length - MAX_CURSORS))) delete cursors[key];
    const active = followThread ?? (post.root_id && this.threads?.includes(post.root_id) ? post.root_id : null);
    if (active) this.threads = [...(this.threads ?? []).filter((id) => id !== active), active].slice(-MAX_THREADS);
    await context.store.setMany({
      [CURSORS_KEY]: JSON.stringify(cursors),
      ...(active ? { [THREADS_KEY]: JSON.stringify(this.threads) } : {}),
    });
  }

  private async sender(userId: string): Promise<MattermostUser | null> {
    const cached = this.users.get(userId);
    if (cached) return cached;
    try {
      const user = await this.client.user(userId);
      if (this.users.size > 1000) this.users.clear();
      this.users.set(userId, user);
      return user;
    } catch (error) {
      if (error instanceof ChannelAuthError) throw error;
      this.logger.debug(`User ${userId} not looked up: ${describe(error)}`);
      return null;
    }
  }

  private async resolveTeam(team: string): Promise<string> {
    if (/^[a-z0-9]{26}$/.test(team)) return team;
    return (await this.client.teamByName(team)).id;
  }

  /**
   * `@bot status` (or `@bot approve 1a2b3c4d`) as the command `/status`: Mattermost's clients refuse a
   * leading `/` that is not one of the server's slash commands, so a mention is how people say it there.
   * null when the post is not such a command.
   */
  private asCommand(message: string): string | null {
    if (!this.mentionPattern('i').test(message) || !/^\s*@/.test(message)) return null;
    const text = this.withoutMention(message);
    const word = /^(\w+)\b/.exec(text)?.[1]?.toLowerCase();
    return word && (CHAT_COMMANDS as readonly string[]).includes(word) ? `/${text}` : null;
  }

  private withoutMention(text: string): string {
    return text.replace(this.mentionPattern('gi'), ' ').replace(/\s+/g, ' ').trim();
  }

  private mentionPattern(flags: string): RegExp {
    const username = (this.bot?.username ?? '').replace(/[^\w.-]/g, '');
    return new RegExp(`(^|[^\\w.@-])@${username.replace(/\./g, '\\.')}\\b`, flags);
  }
}

function parseJson<T>(raw: string | null, fallback: T): T {
  if (!raw) return fallback;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return fallback;
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
