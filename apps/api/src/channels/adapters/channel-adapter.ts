import type { ChannelState, ChannelType } from '@loop-gateway/contracts';

/** A message as an adapter hands it to the manager. */
export interface InboundMessage {
  /** The platform's id for the message, unique within the channel (Telegram: `<chat id>:<message id>`). */
  externalId: string;
  /** Where the reply goes: a chat, a mailbox thread, a WhatsApp JID. */
  chatId: string;
  /** A topic or mail thread inside the chat, when the platform has one. */
  threadId: string | null;
  /** The sender's platform id: what the whitelist lists. */
  sender: string;
  senderName: string | null;
  text: string;
  /**
   * Other whitelist entries that admit this sender besides its id (email: `@example.com` for the
   * whole domain).
   */
  senderAliases?: string[];
  /**
   * Set when the message must not be answered whatever the whitelist says (an auto-reply, a bounce):
   * it is stored as dropped with this reason and no run starts.
   */
  dropReason?: string | null;
  /**
   * What the adapter needs to reply to this message beyond chat and thread (email: the subject and
   * References); stored with the message and handed back in the ReplyTarget, also after a restart.
   */
  replyContext?: string | null;
}

/** A button that sends a chat command when pressed (`Approve` → `/approve 1a2b3c4d`). */
export interface ChatButton {
  label: string;
  /** At most 64 bytes (Telegram's limit for callback data). */
  command: string;
}

/** Where a reply goes: back to the chat and thread of the message it answers. */
export interface ReplyTarget {
  chatId: string;
  threadId: string | null;
  /** The external id of the message being answered (to thread the reply). */
  inReplyTo: string | null;
  /** The answered message's replyContext, as the adapter gave it. */
  replyContext?: string | null;
}

/**
 * What an adapter keeps between restarts, durable and encrypted at rest, scoped to its channel
 * (a mail UID cursor, a WhatsApp session). Cleared when the channel is deleted or paired again.
 */
export interface AdapterStore {
  get(key: string): Promise<string | null>;
  getMany(keys: string[]): Promise<Record<string, string | null>>;
  set(key: string, value: string | null): Promise<void>;
  /** All in one transaction; a null value deletes its key. */
  setMany(entries: Record<string, string | null>): Promise<void>;
  clear(): Promise<void>;
}

/** The message of a chat that carries buttons, as `send` resolves with it where they can be taken off later. */
export interface SentButtons {
  chatId: string;
  messageId: string;
}

/** What the manager gives an adapter while it runs. */
export interface AdapterContext {
  /** The channel's durable store. */
  store: AdapterStore;
  /** The connection is up; `account` names it for people (e.g. `@my_bot`). */
  connected(account: string | null): void;
  /**
   * A QR code to scan (WhatsApp pairing): the state becomes waiting_for_qr and the code goes to the
   * console. Called again with each new code the platform issues.
   */
  waitingForQr(qr: string): void;
  /**
   * Stores the message (or recognises it as already stored) and starts answering it. Resolves once it
   * is stored: only then may the adapter acknowledge it to the platform.
   */
  receive(message: InboundMessage): Promise<void>;
}

/**
 * One running connection to a platform. The manager calls `run` and restarts it with backoff when it
 * throws; `send` and `typing` may be called while it runs.
 */
export interface ChannelAdapter {
  /** Connects and receives until `signal` aborts (then resolves) or the connection fails (then throws). */
  run(context: AdapterContext, signal: AbortSignal): Promise<void>;
  /**
   * Sends a reply, split and rate-limited as the platform needs. `buttons`, where the platform has
   * them (Telegram's inline keyboard), go with the last part; a press arrives as a message whose text
   * is the button's command. Platforms without buttons ignore them (the text says what to answer).
   */
  send(target: ReplyTarget, text: string, buttons?: ChatButton[]): Promise<SentButtons | void>;
  /**
   * Takes the buttons off a message `send` sent with them (its question was answered, here or
   * elsewhere), leaving `note` in their place where the platform can (Mattermost). Best effort.
   */
  closeButtons?(sent: SentButtons, note: string): Promise<void>;
  /** Shows that the agent is working (best effort; errors are ignored). */
  typing(target: ReplyTarget): Promise<void>;
  /**
   * The chat in which to write to a sender of the whitelist or the approvers on one's own initiative
   * (Mattermost: the direct-message channel with that user). Without it the sender id is the chat id
   * (a Telegram user's private chat, an email address).
   */
  directChat?(sender: string): Promise<string>;
  /**
   * Checks that the far side answers and takes the credentials, receiving and sending nothing (the
   * console's "Test connection"): resolves with a sentence saying what answered (`Telegram answered:
   * the bot is @my_bot.`), or throws one saying what failed.
   */
  test?(signal: AbortSignal): Promise<string>;
  /**
   * The channel is being deleted: undoes what the adapter set up on the far side for it (Mattermost:
   * its slash commands). Best effort: a failure is logged and the channel is deleted all the same.
   */
  forget?(signal: AbortSignal): Promise<void>;
}

/** Thrown by an adapter when the far side rejects the credentials: no retry until the channel changes. */
export class ChannelAuthError extends Error {}

/**
 * Thrown by an adapter when the platform ended the session (WhatsApp: the device was unlinked). The
 * adapter has already forgotten the session; the channel stays `logged_out` until it is paired again.
 */
export class ChannelLoggedOutError extends Error {}

/**
 * Thrown by an adapter when the platform asks for a new connection at once (WhatsApp right after
 * pairing): the manager reconnects without waiting, unless this keeps happening without connecting.
 */
export class ChannelRestartError extends Error {}

/** One platform: how its config is validated and shown, and how an adapter is made from it. */
export interface ChannelAdapterFactory<C extends object = object> {
  readonly type: ChannelType;
  /** The config as stored, or a message naming the bad field (`config.botToken is required`). */
  validateConfig(raw: Record<string, unknown>): { config: C } | { error: string };
  /** A sender id's shape on this platform, or a message saying what is wrong with it. */
  validateSender(sender: string): string | null;
  /** The config without secrets (`hasBotToken` instead of the token), for API responses. */
  describeConfig(config: C): Record<string, unknown>;
  /**
   * A valid sender id in the form the whitelist stores and `InboundMessage.sender` uses (default: as
   * given): email addresses lowercased, WhatsApp numbers as their digits.
   */
  normalizeSender?(sender: string): string;
  /** `qr`: the channel is linked by scanning a QR code, and can be paired again (`POST /channels/:id/pair`). */
  readonly pairing?: 'qr';
  create(config: C, channel: { id: string; name: string }): ChannelAdapter;
}

/** The factories the gateway knows; a channel type without one is refused as not supported yet. */
export abstract class ChannelAdapterFactories {
  abstract all(): ChannelAdapterFactory[];
}

export interface LiveStatus {
  state: ChannelState;
  error: string | null;
  account: string | null;
  /** The QR code to scan while `waiting_for_qr`, else null. */
  qr: string | null;
  /** While `retrying`: when the next attempt starts. */
  retryAt: Date | null;
}
