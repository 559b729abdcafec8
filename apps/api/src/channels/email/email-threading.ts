/**
 * Mail threading for replies: the subject gets one "Re:", In-Reply-To names the mail answered and
 * References carries the chain (RFC 5322 §3.6.4), so every mail client shows the reply in the thread.
 */

/** What the gateway needs to reply to one inbound mail; stored with the message (replyContext). */
export interface EmailReplyContext {
  /** The reply's subject, "Re: …" already applied. */
  subject: string;
  /** The Message-ID of the mail answered, or null when it had none. */
  inReplyTo: string | null;
  /** The reply's References header, oldest first. */
  references: string[];
}

/** Mail clients trim long chains too; the first id (the thread's start) and the latest ones matter. */
const MAX_REFERENCES = 20;
/** "Re:", "RE:", "Re[2]:", and the German, Scandinavian and Dutch forms mail clients put there. */
const REPLY_PREFIX = /^\s*(?:re|aw|sv|antw)(?:\s*\[\d+\])?\s*:\s*/i;

/** "Re: <subject>", never "Re: Re: …". */
export function replySubject(subject: string | null | undefined): string {
  let rest = (subject ?? '').replace(/\s+/g, ' ').trim();
  while (REPLY_PREFIX.test(rest)) rest = rest.replace(REPLY_PREFIX, '');
  return `Re: ${rest || '(no subject)'}`;
}

/** `<id@host>` as a header carries it, or null for anything that is not one message id. */
export function normalizeMessageId(value: string | null | undefined): string | null {
  const trimmed = (value ?? '').trim();
  if (!trimmed) return null;
  const bare = trimmed.replace(/^<|>$/g, '');
  if (!bare || /[\s<>]/.test(bare)) return null;
  return `<${bare}>`;
}

/** Message ids from a References/In-Reply-To value as mailparser gives it (a string or a list). */
export function messageIds(value: string | string[] | null | undefined): string[] {
  const raw = Array.isArray(value) ? value.join(' ') : (value ?? '');
  return (raw.match(/<[^<>\s]+>/g) ?? []).map((id) => normalizeMessageId(id)).filter((id) => id !== null);
}

/**
 * The reply's References: the original's References (or its In-Reply-To when it has none) plus its
 * own Message-ID, without repeats; a long chain keeps its first id and the latest ones.
 */
export function replyReferences(original: {
  messageId: string | null;
  references: string[];
  inReplyTo: string[];
}): string[] {
  const chain = original.references.length > 0 ? original.references : original.inReplyTo.slice(0, 1);
  const ids = [...new Set([...chain, ...(original.messageId ? [original.messageId] : [])])];
  return ids.length <= MAX_REFERENCES ? ids : [ids[0]!, ...ids.slice(ids.length - (MAX_REFERENCES - 1))];
}

/**
 * The id that names the mail thread (its first mail): the first reference, else the mail answered,
 * else the mail itself. Each thread is one conversation with the agent.
 */
export function threadRoot(original: {
  messageId: string | null;
  references: string[];
  inReplyTo: string[];
}): string | null {
  return original.references[0] ?? original.inReplyTo[0] ?? original.messageId;
}

/** A subject for a mail the gateway starts (a scheduled job's result): the text's first line. */
export function announcementSubject(text: string, fallback: string): string {
  const line = text
    .split('\n')
    .map((l) =>
      l
        .replace(/^[#>*\-\s]+/, '')
        .replace(/[*_`]/g, '')
        .trim(),
    )
    .find(Boolean);
  if (!line) return fallback;
  return line.length <= 78 ? line : `${line.slice(0, 77).trimEnd()}…`;
}

export function serializeReplyContext(context: EmailReplyContext): string {
  return JSON.stringify(context);
}

/** The stored context, or null when there is none or it is not one (then a new mail is sent). */
export function parseReplyContext(value: string | null | undefined): EmailReplyContext | null {
  if (!value) return null;
  try {
    const parsed = JSON.parse(value) as Partial<EmailReplyContext>;
    if (typeof parsed.subject !== 'string' || !Array.isArray(parsed.references)) return null;
    return {
      subject: parsed.subject,
      inReplyTo: typeof parsed.inReplyTo === 'string' ? parsed.inReplyTo : null,
      references: parsed.references.filter((id): id is string => typeof id === 'string'),
    };
  } catch {
    return null;
  }
}
