/**
 * Mail a robot must not answer: answering an out-of-office notice, a bounce, a newsletter or its own
 * mail starts a loop of robots writing to each other (RFC 3834 §2). Such mail is stored as dropped
 * with the reason, and no run is started for it.
 */

export interface MailOrigin {
  /** Header name (lowercase) → its values, unfolded, as the mail carries them. */
  headers: Map<string, string[]>;
  /** The From address, lowercased; null when there is none. */
  from: string | null;
  /** Where a reply would go (Reply-To, else From), lowercased. */
  replyTo: string | null;
}

/** Header lines as mailparser keeps them (`{key, line: "Key: value"}`) → name → unfolded values. */
export function headerMap(lines: readonly { key: string; line: string }[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const { key, line } of lines) {
    const colon = line.indexOf(':');
    const value = (colon >= 0 ? line.slice(colon + 1) : '').replace(/\r?\n[ \t]+/g, ' ').trim();
    const name = key.toLowerCase();
    map.set(name, [...(map.get(name) ?? []), value]);
  }
  return map;
}

const BOUNCE_SENDERS = /^(mailer-daemon|postmaster|mail-daemon)$/i;
const BULK_PRECEDENCE = /^(bulk|junk|list|auto_reply)$/i;
const AUTOREPLY_HEADERS = ['x-autoreply', 'x-autorespond', 'x-autoresponder'];

/** Why the mail must not be answered, or null when a person may be waiting for an answer. */
export function whyNotAnswer(mail: MailOrigin, ownAddresses: string[]): string | null {
  const first = (name: string): string | undefined => mail.headers.get(name)?.[0];
  if (!mail.from) return 'The mail has no sender address';
  const own = new Set(ownAddresses.map((a) => a.toLowerCase()));
  if (own.has(mail.from) || (mail.replyTo && own.has(mail.replyTo)))
    return 'The mail comes from the gateway’s own address (a mail loop)';

  const returnPath = mail.headers.get('return-path');
  if (returnPath?.some((value) => value === '' || /^<\s*>$/.test(value))) return 'A bounce (empty Return-Path)';
  if (BOUNCE_SENDERS.test(mail.from.split('@')[0] ?? ''))
    return `A bounce or delivery notice (from ${mail.from.split('@')[0]})`;
  const contentType = (first('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (contentType === 'multipart/report') return 'A delivery or read report (multipart/report)';

  const autoSubmitted = (first('auto-submitted') ?? '').split(';')[0]!.trim().toLowerCase();
  if (autoSubmitted && autoSubmitted !== 'no') return `An automatic message (Auto-Submitted: ${autoSubmitted})`;
  const autoReply = AUTOREPLY_HEADERS.find((name) => mail.headers.has(name));
  if (autoReply) return `An automatic reply (${canonical(autoReply)})`;
  const precedence = (first('precedence') ?? '').trim();
  if (BULK_PRECEDENCE.test(precedence)) return `Bulk or list mail (Precedence: ${precedence.toLowerCase()})`;
  const list = ['list-id', 'list-unsubscribe'].find((name) => mail.headers.has(name));
  if (list) return `Mailing-list mail (${canonical(list)})`;
  return null;
}

/** `x-autoreply` → `X-Autoreply`, for reasons people read. */
function canonical(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase());
}
