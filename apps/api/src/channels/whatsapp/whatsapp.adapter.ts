import { connect } from 'node:net';
import { Logger } from '@nestjs/common';
import {
  type BaileysEventMap,
  Browsers,
  type ConnectionState,
  DisconnectReason,
  type WAMessage,
  type proto,
  S_WHATSAPP_NET,
} from '@whiskeysockets/baileys';
import {
  type AdapterContext,
  ChannelAuthError,
  type ChannelAdapter,
  ChannelLoggedOutError,
  ChannelRestartError,
  type ReplyTarget,
} from '../adapters/channel-adapter.js';
import { type LimitRule, SendLimiter } from '../send-limiter.js';
import { describeNetworkError } from '../adapters/readable-error.js';
import { splitMessage } from '../split-message.js';
import { type StoredAuthState, useStoredAuthState } from './whatsapp-auth-state.js';
import { baileysLogger, type ILogger } from './whatsapp-logger.js';
import { describeAccount, readIncoming } from './whatsapp-messages.js';
import { baileysSocket, type WhatsAppSocket, type WhatsAppSocketFactory } from './whatsapp-socket.js';
import { toWhatsAppText } from './whatsapp-format.js';

/** The length one WhatsApp message is kept to (WhatsApp takes more, but long ones read badly). */
export const WHATSAPP_MESSAGE_LIMIT = 4096;

export interface WhatsAppAdapterOptions {
  /** Makes the connection; default Baileys' makeWASocket. Tests pass a socket they drive. */
  socketFactory?: WhatsAppSocketFactory;
  /** No traffic (frames, events) for this long and the connection is pinged; default 150 s. */
  idleTimeoutMs?: number;
  /** How long that ping may take before the connection counts as dead; default 20 s. */
  pingTimeoutMs?: number;
  /** QR sessions nobody scans before the channel gives up and waits to be paired again; default 5. */
  maxUnscannedQrSessions?: number;
  /** How long a reply waits for a connection that is being re-established; default 30 s. */
  sendWaitMs?: number;
  /** Where "Test connection" checks that WhatsApp can be reached; default web.whatsapp.com:443. */
  testTarget?: { host: string; port: number };
}

const RECENT_LIMIT = 200;

/** Where Baileys connects (web.whatsapp.com over a WebSocket). */
const WHATSAPP_HOST = 'web.whatsapp.com';
const TEST_TIMEOUT_MS = 10_000;

/** Names for Baileys' disconnect codes, for the channel's error text. */
const CLOSE_REASONS: Record<number, string> = {
  [DisconnectReason.connectionClosed]: 'connection closed',
  [DisconnectReason.connectionLost]: 'connection lost',
  [DisconnectReason.connectionReplaced]: 'replaced by another WhatsApp Web session of this account',
  [DisconnectReason.loggedOut]: 'logged out',
  [DisconnectReason.badSession]: 'bad session',
  [DisconnectReason.restartRequired]: 'restart required',
  [DisconnectReason.multideviceMismatch]: 'multi-device mismatch',
  [DisconnectReason.forbidden]: 'forbidden',
  [DisconnectReason.unavailableService]: 'service unavailable',
};

/**
 * WhatsApp through Baileys (WhatsApp Web's multi-device protocol) as a linked device of a phone:
 * paired by a QR code shown in the console, the session kept encrypted in the channel's store (a
 * restart needs no new scan), private chats and groups (in a group only messages that mention the
 * account or reply to it), typing, and a watchdog for connections that go silent without closing.
 */
export class WhatsAppAdapter implements ChannelAdapter {
  private readonly logger: Logger;
  private readonly baileys: ILogger;
  private readonly socketFactory: WhatsAppSocketFactory;
  private readonly idleTimeoutMs: number;
  private readonly pingTimeoutMs: number;
  private readonly maxUnscannedQrSessions: number;
  private readonly sendWaitMs: number;
  private readonly limiter = new SendLimiter();
  /** The socket while the connection is open. */
  private socket: WhatsAppSocket | null = null;
  private readonly openWaiters = new Set<() => void>();
  /** Group messages still to be answered, to quote them in the reply. */
  private readonly recent = new Map<string, WAMessage>();
  /** What was sent lately, for Baileys to resend when a recipient could not decrypt it. */
  private readonly sent = new Map<string, proto.IMessage>();
  private unscannedQrSessions = 0;
  private readonly testTarget: { host: string; port: number };

  constructor(channel: { id: string; name: string }, options: WhatsAppAdapterOptions = {}) {
    this.logger = new Logger(`WhatsAppAdapter ${channel.name}`);
    this.baileys = baileysLogger(this.logger);
    this.socketFactory = options.socketFactory ?? baileysSocket;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 150_000;
    this.pingTimeoutMs = options.pingTimeoutMs ?? 20_000;
    this.maxUnscannedQrSessions = options.maxUnscannedQrSessions ?? 5;
    this.sendWaitMs = options.sendWaitMs ?? 30_000;
    this.testTarget = options.testTarget ?? { host: WHATSAPP_HOST, port: 443 };
  }

  /**
   * Connected: says as whom. Otherwise checks that WhatsApp's server takes a connection from here (a
   * session needs the QR code scanned, which a test cannot do).
   */
  async test(signal: AbortSignal): Promise<string> {
    if (this.socket) return `WhatsApp is connected as ${describeAccount(this.socket.user) ?? 'this account'}.`;
    const { host, port } = this.testTarget;
    const peer = `WhatsApp (${host}:${port})`;
    await new Promise<void>((resolve, reject) => {
      const socket = connect({ host, port, signal, timeout: TEST_TIMEOUT_MS });
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('timeout', () => {
        socket.destroy();
        reject(new Error(`${peer} did not answer within ${TEST_TIMEOUT_MS / 1000} s`));
      });
      socket.once('error', (error) =>
        reject(new Error(describeNetworkError(error, peer) ?? `${peer} could not be reached: ${error.message}`)),
      );
    });
    return `${peer} can be reached; the channel is not connected yet: scan its QR code to link the phone.`;
  }

  async run(context: AdapterContext, signal: AbortSignal): Promise<void> {
    const auth = await useStoredAuthState(context.store);
    if (signal.aborted) return;
    const socket = this.socketFactory({
      auth: auth.state,
      logger: this.baileys,
      browser: Browsers.ubuntu('Chrome'),
      markOnlineOnConnect: false, // the phone keeps getting notifications
      syncFullHistory: false,
      generateHighQualityLinkPreview: false,
      getMessage: async (key) => (key.id ? this.sent.get(key.id) : undefined),
    });
    try {
      await this.connection(socket, auth, context, signal);
    } finally {
      this.socket = null;
      await Promise.resolve(socket.end(undefined)).catch(() => undefined);
      await auth.settle();
    }
  }

  async send(target: ReplyTarget, text: string): Promise<void> {
    const rules: LimitRule[] = [
      { key: 'account', limit: 40, windowMs: 60_000 },
      { key: `chat:${target.chatId}`, limit: 1, windowMs: 1000 },
    ];
    const quoted = target.inReplyTo ? this.recent.get(target.inReplyTo) : undefined;
    if (target.inReplyTo) this.recent.delete(target.inReplyTo);
    const parts = splitMessage(toWhatsAppText(text), WHATSAPP_MESSAGE_LIMIT);
    for (const [index, part] of parts.entries()) {
      await this.limiter.schedule(rules, async () => {
        const socket = await this.openSocket();
        try {
          // In a group the first part quotes the message it answers, so people see who is answered.
          const message = await socket.sendMessage(
            target.chatId,
            { text: part },
            index === 0 && quoted ? { quoted } : undefined,
          );
          if (message?.key.id && message.message) remember(this.sent, message.key.id, message.message);
        } catch (error) {
          throw new Error(`WhatsApp did not take the message: ${describe(error)}`, { cause: error });
        }
      });
    }
  }

  async typing(target: ReplyTarget): Promise<void> {
    try {
      await this.socket?.sendPresenceUpdate('composing', target.chatId);
    } catch (error) {
      this.logger.debug(`Typing indicator not shown: ${describe(error)}`);
    }
  }

  /** Follows one socket until it closes (throws why) or `signal` aborts (resolves). */
  private connection(
    socket: WhatsAppSocket,
    auth: StoredAuthState,
    context: AdapterContext,
    signal: AbortSignal,
  ): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      let lastActivity = Date.now();
      let sawQr = false;
      let opened = false;
      let pinging = false;
      let inbound: Promise<void> = Promise.resolve();
      const touch = (): void => {
        lastActivity = Date.now();
      };

      const finish = (error?: Error): void => {
        if (settled) return;
        settled = true;
        clearInterval(watchdog);
        signal.removeEventListener('abort', onAbort);
        stopEvents();
        this.socket = null;
        if (error) reject(error);
        else resolve();
      };
      const onAbort = (): void => finish();
      signal.addEventListener('abort', onAbort, { once: true });

      const onConnection = async (update: Partial<ConnectionState>): Promise<void> => {
        if (update.qr) {
          if (!sawQr) this.unscannedQrSessions++;
          sawQr = true;
          context.waitingForQr(update.qr);
        }
        if (update.connection === 'open') {
          opened = true;
          this.unscannedQrSessions = 0;
          this.socket = socket;
          context.connected(describeAccount(socket.user));
          for (const wake of this.openWaiters) wake();
        }
        if (update.connection === 'close') {
          this.socket = null;
          await auth.settle(); // a session paired just now is stored before the restart reads it
          finish(await this.closeError(update.lastDisconnect?.error, { sawQr, opened }, context, auth));
        }
      };

      const stopEvents = socket.ev.process(async (events: Partial<BaileysEventMap>) => {
        if (settled) return;
        touch();
        try {
          const creds = events['creds.update'];
          if (creds) {
            Object.assign(auth.state.creds, creds); // Baileys does the same; a test's socket may not
            await auth.saveCreds();
          }
          const upsert = events['messages.upsert'];
          if (upsert?.type === 'notify') {
            const batch = upsert.messages;
            inbound = inbound
              .then(() => this.receiveAll(socket, batch, context))
              .catch((error: unknown) => this.logger.warn(`WhatsApp messages not handled: ${describe(error)}`));
          }
          const update = events['connection.update'];
          if (update) await onConnection(update);
        } catch (error) {
          this.logger.warn(`WhatsApp event not handled: ${describe(error)}`);
          if (!settled) {
            void Promise.resolve(socket.end(undefined)).catch(() => undefined);
            finish(error instanceof Error ? error : new Error(String(error)));
          }
        }
      });
      socket.ws?.on('frame', touch);

      // The watchdog: a connection that stays quiet for too long is pinged; no answer ends it.
      const watchdog = setInterval(
        () => {
          if (settled || pinging || Date.now() - lastActivity < this.idleTimeoutMs) return;
          pinging = true;
          const ping: Promise<unknown> = socket.query(
            {
              tag: 'iq',
              attrs: { to: S_WHATSAPP_NET, type: 'get', xmlns: 'w:p' },
              content: [{ tag: 'ping', attrs: {} }],
            },
            this.pingTimeoutMs,
          );
          ping.then(
            () => {
              pinging = false;
              touch();
            },
            (error: unknown) => {
              pinging = false;
              if (settled) return;
              const silent = Math.round((Date.now() - lastActivity) / 1000);
              const reason = `WhatsApp went silent for ${silent} s and did not answer a ping (${describe(error)})`;
              void Promise.resolve(socket.end(new Error(reason))).catch(() => undefined);
              finish(new Error(reason));
            },
          );
        },
        Math.max(50, Math.min(Math.floor(this.idleTimeoutMs / 4), 30_000)),
      );
    });
  }

  /** What a closed connection means: reconnect now, later, or wait to be paired again. */
  private async closeError(
    error: Error | undefined,
    seen: { sawQr: boolean; opened: boolean },
    context: AdapterContext,
    auth: StoredAuthState,
  ): Promise<Error> {
    const code = (error as { output?: { statusCode?: number } } | undefined)?.output?.statusCode;
    const detail = `${code !== undefined ? `${CLOSE_REASONS[code] ?? 'closed'}, ${code}` : describe(error)}`;
    switch (code) {
      case DisconnectReason.loggedOut:
        await auth.settle();
        await context.store.clear(); // the session is worthless now; the next start shows a new QR code
        return new ChannelLoggedOutError(
          'WhatsApp logged this device out (unlinked on the phone, or the session expired): pair again and scan the new QR code',
        );
      case DisconnectReason.restartRequired:
        return new ChannelRestartError(`WhatsApp asked for a new connection (${detail})`);
      case DisconnectReason.forbidden:
        return new ChannelAuthError(`WhatsApp refused this account (${detail}); it may be banned or restricted`);
      case DisconnectReason.connectionReplaced:
        // Reconnecting would take the session back from the other client, which would do the same.
        return new ChannelAuthError(
          `Another WhatsApp Web client with this session took over the connection (${detail}): stop the other one (another gateway with a copy of this database?), then disable and enable the channel`,
        );
    }
    if (seen.sawQr && !seen.opened && code === DisconnectReason.timedOut) {
      if (this.unscannedQrSessions >= this.maxUnscannedQrSessions) {
        this.unscannedQrSessions = 0;
        return new ChannelLoggedOutError('Nobody scanned the QR code: pair again for a new one');
      }
      return new ChannelRestartError('The QR codes expired unscanned; showing a new one');
    }
    if (!seen.sawQr && !seen.opened && (code === undefined || code === DisconnectReason.connectionLost)) {
      // 408 before WhatsApp ever answered: the gateway could not reach WhatsApp at all.
      const network = describeNetworkError(error, `WhatsApp (${WHATSAPP_HOST})`);
      return new Error(
        network ??
          `WhatsApp (${WHATSAPP_HOST}) could not be reached: no answer before the connection ended (${detail})`,
        { cause: error },
      );
    }
    return new Error(`WhatsApp closed the connection (${detail})`);
  }

  /** Hands the messages on one after the other; each is marked read once the gateway stored it. */
  private async receiveAll(socket: WhatsAppSocket, messages: WAMessage[], context: AdapterContext): Promise<void> {
    for (const message of messages) {
      const incoming = readIncoming(message, { id: socket.user?.id, lid: socket.user?.lid });
      if (incoming.kind === 'skip') continue;
      if (incoming.group) remember(this.recent, incoming.externalId, message);
      try {
        await context.receive({
          externalId: incoming.externalId,
          chatId: incoming.chatId,
          threadId: null,
          sender: incoming.sender,
          senderName: incoming.senderName,
          text: incoming.text,
        });
      } catch (error) {
        this.logger.warn(`WhatsApp message not stored: ${describe(error)}`);
        continue;
      }
      await socket.readMessages([message.key]).catch((error: unknown) => {
        this.logger.debug(`WhatsApp message not marked read: ${describe(error)}`);
      });
    }
  }

  /** The open socket, waiting a while for a connection being re-established. */
  private async openSocket(): Promise<WhatsAppSocket> {
    if (this.socket) return this.socket;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.openWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, this.sendWaitMs);
      this.openWaiters.add(done);
    });
    if (!this.socket) throw new Error('WhatsApp is not connected');
    return this.socket;
  }
}

/** Keeps the latest RECENT_LIMIT entries. */
function remember<T>(map: Map<string, T>, key: string, value: T): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > RECENT_LIMIT) map.delete(map.keys().next().value as string);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
