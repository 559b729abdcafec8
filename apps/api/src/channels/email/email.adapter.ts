import { Logger } from '@nestjs/common';
import { ImapFlow, type MailboxObject } from 'imapflow';
import { type ParsedMail, simpleParser } from 'mailparser';
import { createTransport, type Transporter } from 'nodemailer';
import {
  type AdapterContext,
  type AdapterStore,
  ChannelAuthError,
  type ChannelAdapter,
  type InboundMessage,
  type ReplyTarget,
} from '../adapters/channel-adapter.js';
import { sleep } from '../../common/sleep.js';
import { describeNetworkError } from '../adapters/readable-error.js';
import { type LimitRule, SendLimiter } from '../send-limiter.js';
import { type EmailConfig, isEmailAddress } from './email-config.js';
import { headerMap, whyNotAnswer } from './email-loops.js';
import { messageForAgent, stripQuotedReply } from './email-text.js';
import {
  announcementSubject,
  messageIds,
  normalizeMessageId,
  parseReplyContext,
  replyReferences,
  replySubject,
  serializeReplyContext,
  threadRoot,
} from './email-threading.js';

export interface EmailAdapterOptions {
  /** Use IMAP IDLE when the server offers it (default); false polls even then. */
  idle?: boolean;
  /** How often to look for new mail when the server has no IDLE. */
  pollIntervalMs?: number;
  /** How long one IDLE lasts before it is renewed (servers drop it after 30 min; RFC 2177). */
  idleRenewMs?: number;
}

/** Where the adapter keeps its place in the mailbox (AdapterContext.store). */
export const CURSOR_KEY = 'imap.cursor';
/** Only this much of a mail is fetched: enough for any text, not for a 30 MB attachment. */
const MAX_SOURCE_BYTES = 2 * 1024 * 1024;
const CONNECT_TIMEOUT_MS = 30_000;
/**
 * Sending pace: mail providers throttle or block accounts that send in bursts (Gmail, Microsoft 365
 * and most hosts allow about 30 mails a minute over SMTP), and one address should not get a flood.
 */
const SEND_RULES = (recipient: string): LimitRule[] => [
  { key: 'mailbox', limit: 30, windowMs: 60_000 },
  { key: `to:${recipient}`, limit: 10, windowMs: 60_000 },
];

/** The last mail handled, valid only for the mailbox generation (UIDVALIDITY) it was taken in. */
interface Cursor {
  uidValidity: string;
  lastUid: number;
}

interface ImapFailure {
  authenticationFailed?: boolean;
  serverResponseCode?: string;
  responseText?: string;
  response?: string;
  code?: string;
  message?: string;
}

/**
 * One mailbox over IMAP (imapflow) and SMTP (nodemailer). New mail in INBOX is noticed with IDLE
 * (or polled when the server has no IDLE) and taken in UID order; the cursor (UIDVALIDITY + last UID)
 * moves on only after the manager stored the mail, so each mail is handled once across restarts.
 * On the very first start, and when the mailbox was recreated (new UIDVALIDITY), mail already there
 * is left alone: only mail that arrives from then on is answered. Auto-replies, bounces, list mail
 * and the gateway's own mail are stored as dropped, never answered. Replies go to Reply-To (else
 * From) with "Re:", In-Reply-To and References, marked `Auto-Submitted: auto-replied`.
 */
export class EmailAdapter implements ChannelAdapter {
  private readonly logger: Logger;
  private readonly transport: Transporter;
  private readonly limiter = new SendLimiter();
  private readonly useIdle: boolean;
  private readonly pollIntervalMs: number;
  private readonly idleRenewMs: number;

  constructor(
    private readonly config: EmailConfig,
    private readonly channel: { id: string; name: string },
    options: EmailAdapterOptions = {},
  ) {
    this.logger = new Logger(`EmailAdapter ${channel.name}`);
    this.useIdle = options.idle ?? true;
    this.pollIntervalMs = options.pollIntervalMs ?? 60_000;
    this.idleRenewMs = options.idleRenewMs ?? 4 * 60_000;
    this.transport = createTransport({
      host: config.smtpHost,
      port: config.smtpPort,
      secure: config.smtpSecure,
      auth: { user: config.username, pass: config.password },
      connectionTimeout: CONNECT_TIMEOUT_MS,
      greetingTimeout: 15_000,
      socketTimeout: 60_000,
    });
  }

  async run(context: AdapterContext, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    const client = new ImapFlow({
      host: this.config.imapHost,
      port: this.config.imapPort,
      secure: this.config.imapSecure,
      auth: { user: this.config.username, pass: this.config.password },
      logger: false, // its own logger would print protocol traffic; errors surface through run()
      disableAutoIdle: true, // IDLE is started here, between fetches, never in the middle of them
      connectionTimeout: CONNECT_TIMEOUT_MS,
      greetingTimeout: 15_000,
    });
    const closed = new Promise<never>((_, reject) => {
      client.on('close', () => reject(new Error('The IMAP connection closed')));
    });
    closed.catch(() => undefined); // observed in waitForNews; this only keeps it from being unhandled
    client.on('error', (error: Error) => this.logger.debug(`IMAP: ${error.message}`));
    let news: boolean;
    let wake: (() => void) | null = null;
    client.on('exists', () => {
      news = true;
      wake?.();
    });
    const stop = (): void => client.close();
    signal.addEventListener('abort', stop, { once: true });
    try {
      await this.connect(client);
      const mailbox = await client.mailboxOpen('INBOX');
      context.connected(this.config.username);
      let cursor = await this.loadCursor(context.store, mailbox);
      const idle = this.useIdle && client.capabilities.has('IDLE');
      while (!signal.aborted) {
        news = false;
        cursor = await this.takeNewMail(client, context, cursor, signal);
        if (signal.aborted || news) continue;
        // Wait for the server to announce mail (IDLE), or poll; a later command ends the IDLE.
        if (idle) client.idle().catch((error: unknown) => this.logger.debug(`IDLE ended: ${describe(error)}`));
        const waited = new AbortController();
        try {
          await Promise.race([
            new Promise<void>((resolve) => (wake = resolve)),
            sleep(idle ? this.idleRenewMs : this.pollIntervalMs, AbortSignal.any([signal, waited.signal])),
            closed,
          ]);
        } finally {
          wake = null;
          waited.abort();
        }
      }
    } catch (error) {
      if (signal.aborted) return;
      throw error;
    } finally {
      signal.removeEventListener('abort', stop);
      client.close();
    }
  }

  async send(target: ReplyTarget, text: string): Promise<void> {
    if (!isEmailAddress(target.chatId)) {
      throw new Error(`${target.chatId} is not an email address to write to (a whole domain cannot receive mail)`);
    }
    const reply = parseReplyContext(target.replyContext);
    const mail = {
      from: { name: this.channel.name, address: this.config.fromAddress },
      to: target.chatId,
      subject: reply ? reply.subject : announcementSubject(text, this.channel.name),
      text,
      ...(reply?.inReplyTo ? { inReplyTo: reply.inReplyTo } : {}),
      ...(reply && reply.references.length > 0 ? { references: reply.references } : {}),
      headers: {
        // RFC 3834: a robot's mail, so vacation responders and other agents do not answer it.
        'Auto-Submitted': reply ? 'auto-replied' : 'auto-generated',
        'X-Auto-Response-Suppress': 'All',
      },
    };
    await this.limiter.schedule(SEND_RULES(target.chatId.toLowerCase()), async () => {
      try {
        await this.transport.sendMail(mail);
      } catch (error) {
        throw new Error(`The SMTP server did not take the mail: ${describe(error)}`, { cause: error });
      }
    });
  }

  /** Mail has no typing indicator. */
  async typing(): Promise<void> {}

  private async connect(client: ImapFlow): Promise<void> {
    try {
      await client.connect();
    } catch (error) {
      const failure = error as ImapFailure;
      const code = failure.serverResponseCode;
      if (
        code === 'AUTHENTICATIONFAILED' ||
        code === 'AUTHORIZATIONFAILED' ||
        (failure.authenticationFailed && !code)
      ) {
        const said = failure.responseText ?? failure.response ?? code ?? 'login refused';
        throw new ChannelAuthError(`The IMAP server rejected the login for ${this.config.username} (${said})`);
      }
      const peer = `The IMAP server ${this.config.imapHost}:${this.config.imapPort}`;
      throw new Error(describeNetworkError(error, peer) ?? `${peer} could not be used: ${describe(error)}`, {
        cause: error,
      });
    }
  }

  /**
   * Logs in to IMAP (and opens INBOX) and to SMTP, receiving and sending nothing. Throws a sentence
   * naming the server that failed.
   */
  async test(signal: AbortSignal): Promise<string> {
    const client = new ImapFlow({
      host: this.config.imapHost,
      port: this.config.imapPort,
      secure: this.config.imapSecure,
      auth: { user: this.config.username, pass: this.config.password },
      logger: false,
      disableAutoIdle: true,
      connectionTimeout: CONNECT_TIMEOUT_MS,
      greetingTimeout: 15_000,
    });
    client.on('error', (error: Error) => this.logger.debug(`IMAP (test): ${error.message}`));
    const stop = (): void => client.close();
    signal.addEventListener('abort', stop, { once: true });
    try {
      await this.connect(client);
      await client.mailboxOpen('INBOX');
    } finally {
      signal.removeEventListener('abort', stop);
      client.close();
    }
    try {
      await this.transport.verify();
    } catch (error) {
      const peer = `The SMTP server ${this.config.smtpHost}:${this.config.smtpPort}`;
      const failure = error as { code?: string; responseCode?: number; response?: string };
      if (failure.code === 'EAUTH' || failure.responseCode === 535) {
        throw new ChannelAuthError(`${peer} rejected the login for ${this.config.username} (${describe(error)})`);
      }
      throw new Error(describeNetworkError(error, peer) ?? `${peer} could not be used: ${describe(error)}`, {
        cause: error,
      });
    }
    return `The IMAP server ${this.config.imapHost}:${this.config.imapPort} and the SMTP server ${this.config.smtpHost}:${this.config.smtpPort} took the login for ${this.config.username}.`;
  }

  /** The stored cursor, or (first start, or the mailbox was recreated) one after the newest mail now. */
  private async loadCursor(store: AdapterStore, mailbox: MailboxObject): Promise<Cursor> {
    const uidValidity = String(mailbox.uidValidity);
    const stored = parseCursor(await store.get(CURSOR_KEY));
    if (stored?.uidValidity === uidValidity) return stored;
    if (stored) {
      this.logger.warn(
        `INBOX was recreated (UIDVALIDITY ${stored.uidValidity} → ${uidValidity}); mail already in it is not answered`,
      );
    }
    const cursor = { uidValidity, lastUid: Math.max(0, Number(mailbox.uidNext) - 1) };
    await store.set(CURSOR_KEY, JSON.stringify(cursor));
    return cursor;
  }

  /** Hands every mail after the cursor to the manager, oldest first, moving the cursor after each. */
  private async takeNewMail(
    client: ImapFlow,
    context: AdapterContext,
    cursor: Cursor,
    signal: AbortSignal,
  ): Promise<Cursor> {
    // `n:*` always includes the newest mail, even when its UID is below n: filter.
    const found = (await client.search({ uid: `${cursor.lastUid + 1}:*` }, { uid: true })) || [];
    const uids = found.filter((uid) => uid > cursor.lastUid).sort((a, b) => a - b);
    for (const uid of uids) {
      if (signal.aborted) break;
      const message = await client.fetchOne(
        String(uid),
        { uid: true, source: { maxLength: MAX_SOURCE_BYTES } },
        { uid: true },
      );
      let inbound: InboundMessage;
      if (message && message.source) {
        inbound = await this.toInbound(message.source, cursor.uidValidity, uid);
      } else {
        inbound = unreadable(cursor.uidValidity, uid, 'The mail could not be fetched');
      }
      await context.receive(inbound);
      cursor = { ...cursor, lastUid: uid };
      await context.store.set(CURSOR_KEY, JSON.stringify(cursor));
    }
    return cursor;
  }

  private async toInbound(source: Buffer, uidValidity: string, uid: number): Promise<InboundMessage> {
    let mail: ParsedMail;
    try {
      mail = await simpleParser(source, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true });
    } catch (error) {
      return unreadable(uidValidity, uid, `The mail could not be read: ${describe(error)}`);
    }
    const sender = mail.from?.value.find((a) => a.address);
    const from = sender?.address?.toLowerCase() ?? null;
    const replyTo = mail.replyTo?.value.find((a) => a.address)?.address?.toLowerCase() ?? from;
    const own = [this.config.fromAddress, ...(isEmailAddress(this.config.username) ? [this.config.username] : [])];
    const dropReason = whyNotAnswer({ headers: headerMap(mail.headerLines), from, replyTo }, own);
    const thread = {
      messageId: normalizeMessageId(mail.messageId),
      references: messageIds(mail.references),
      inReplyTo: messageIds(mail.inReplyTo),
    };
    // The text part; mailparser turns an HTML-only mail into text itself.
    const body = stripQuotedReply(mail.text ?? '');
    return {
      // The Message-ID survives a recreated mailbox (new UIDs), so the inbox still sees a duplicate.
      externalId: thread.messageId && thread.messageId.length <= 200 ? thread.messageId : `${uidValidity}:${uid}`,
      chatId: replyTo ?? 'unknown',
      threadId: threadRoot(thread),
      sender: from ?? 'unknown',
      senderName: sender?.name || null,
      senderAliases: from ? [`@${from.split('@').pop()}`] : [],
      text: messageForAgent(mail.subject, body),
      dropReason,
      replyContext: serializeReplyContext({
        subject: replySubject(mail.subject),
        inReplyTo: thread.messageId,
        references: replyReferences(thread),
      }),
    };
  }
}

/** A mail that cannot be parsed is recorded (and skipped), so it does not block the ones after it. */
function unreadable(uidValidity: string, uid: number, reason: string): InboundMessage {
  return {
    externalId: `${uidValidity}:${uid}`,
    chatId: 'unknown',
    threadId: null,
    sender: 'unknown',
    senderName: null,
    text: '',
    dropReason: reason,
  };
}

function parseCursor(value: string | null): Cursor | null {
  if (!value) return null;
  try {
    const parsed = JSON.parse(value) as Partial<Cursor>;
    return typeof parsed.uidValidity === 'string' && Number.isInteger(parsed.lastUid)
      ? { uidValidity: parsed.uidValidity, lastUid: parsed.lastUid! }
      : null;
  } catch {
    return null;
  }
}

function describe(error: unknown): string {
  const failure = error as ImapFailure & { responseCode?: number; response?: string };
  if (failure?.responseCode && failure.response) return failure.response;
  return error instanceof Error ? error.message : String(error);
}
