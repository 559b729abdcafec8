import {
  type WAMessage,
  type proto,
  isJidBroadcast,
  isJidGroup,
  isJidNewsletter,
  isJidStatusBroadcast,
  jidDecode,
  normalizeMessageContent,
} from '@whiskeysockets/baileys';

export { normalizeSender, senderProblem } from './whatsapp-sender.js';

/** The user part of a JID (`491701234567:12@s.whatsapp.net` → `491701234567`), or null. */
export function jidUser(jid: string | null | undefined): string | null {
  return (jid && jidDecode(jid)?.user) || null;
}

/** The text a person wrote: a plain or extended text, or the caption of an image, video or document. */
export function messageText(message: proto.IMessage | null | undefined): string | null {
  const content = normalizeMessageContent(message);
  if (!content) return null;
  const text =
    content.conversation ??
    content.extendedTextMessage?.text ??
    content.imageMessage?.caption ??
    content.videoMessage?.caption ??
    content.documentMessage?.caption ??
    null;
  return text && text.trim() ? text : null;
}

/** The context (mentions, the message replied to) of whichever kind of message this is. */
export function messageContext(message: proto.IMessage | null | undefined): proto.IContextInfo | null {
  const content = normalizeMessageContent(message);
  return (
    content?.extendedTextMessage?.contextInfo ??
    content?.imageMessage?.contextInfo ??
    content?.videoMessage?.contextInfo ??
    content?.documentMessage?.contextInfo ??
    null
  );
}

/** The account's own ids: its phone-number JID and, since WhatsApp's LIDs, its LID. */
export interface OwnIds {
  id: string | null | undefined;
  lid?: string | null | undefined;
}

function ownUsers(own: OwnIds): Set<string> {
  return new Set([jidUser(own.id), jidUser(own.lid)].filter((user): user is string => Boolean(user)));
}

/**
 * In a group: the message mentions the account (`@…` picked from the member list) or replies to one
 * of its messages. Compared by user part, so a device suffix or the LID form still matches.
 */
export function addressedTo(message: proto.IMessage | null | undefined, own: OwnIds): boolean {
  const users = ownUsers(own);
  if (users.size === 0) return false;
  const context = messageContext(message);
  if (!context) return false;
  if ((context.mentionedJid ?? []).some((jid) => users.has(jidUser(jid) ?? ''))) return true;
  return Boolean(context.quotedMessage && context.participant && users.has(jidUser(context.participant) ?? ''));
}

/** The text without the `@<number>` mentions of the account (WhatsApp writes a mention as its number). */
export function withoutOwnMention(text: string, own: OwnIds): string {
  let result = text;
  for (const user of ownUsers(own)) result = result.replace(new RegExp(`(^|\\s)@${user}\\b`, 'g'), ' ');
  return result.replace(/[ \t]+/g, ' ').trim();
}

/** What the adapter hands on from an incoming WhatsApp message, or why it is skipped. */
export type Incoming =
  | {
      kind: 'message';
      externalId: string;
      chatId: string;
      group: boolean;
      sender: string;
      senderName: string | null;
      text: string;
    }
  | { kind: 'skip'; reason: string };

/**
 * Reads one upserted message: skips the account's own messages, status updates, broadcasts,
 * newsletters and messages without text; in a group, anything not addressed to the account. The
 * sender is the phone number when WhatsApp tells it (the participant in a group, else the chat),
 * falling back to the LID.
 */
export function readIncoming(message: WAMessage, own: OwnIds): Incoming {
  const key = message.key;
  const chatId = key?.remoteJid;
  if (!key || !chatId || !key.id) return { kind: 'skip', reason: 'no key' };
  if (key.fromMe) return { kind: 'skip', reason: 'own message' };
  if (isJidStatusBroadcast(chatId) || isJidBroadcast(chatId)) return { kind: 'skip', reason: 'broadcast' };
  if (isJidNewsletter(chatId)) return { kind: 'skip', reason: 'newsletter' };
  let text = messageText(message.message);
  if (!text) return { kind: 'skip', reason: 'no text' };
  const group = Boolean(isJidGroup(chatId));
  if (group) {
    if (!addressedTo(message.message, own)) return { kind: 'skip', reason: 'not addressed to the account' };
    text = withoutOwnMention(text, own);
    if (!text) return { kind: 'skip', reason: 'only a mention' };
  }
  const from = group
    ? (pnJid(key.participant, key.participantAlt) ?? key.participant)
    : (pnJid(chatId, key.remoteJidAlt) ?? chatId);
  const sender = jidUser(from);
  if (!sender) return { kind: 'skip', reason: 'no sender' };
  return {
    kind: 'message',
    externalId: `${chatId}:${key.id}`,
    chatId,
    group,
    sender,
    senderName: message.pushName?.trim() || null,
    text,
  };
}

/** Of a JID and its alternative form, the phone-number one (`@s.whatsapp.net`), if any. */
function pnJid(jid: string | null | undefined, alt: string | null | undefined): string | null {
  for (const candidate of [jid, alt]) if (candidate && /@(s\.whatsapp\.net|c\.us)$/.test(candidate)) return candidate;
  return null;
}

/** `+491701234567 (Name)` for the connected account. */
export function describeAccount(
  me: { id?: string; phoneNumber?: string; name?: string; notify?: string } | undefined,
): string | null {
  const pn = pnJid(me?.id, me?.phoneNumber);
  const user = jidUser(pn ?? me?.id);
  if (!user) return null;
  const name = me?.name ?? me?.notify;
  const number = pn ? `+${user}` : user;
  return name ? `${number} (${name})` : number;
}
