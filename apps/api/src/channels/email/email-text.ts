/** What the agent reads of one mail: its subject and its new text, without the quoted history. */

/** Mail bodies can be huge (a pasted log); the run takes at most 100 000 characters. */
export const MAX_BODY_CHARS = 50_000;

/** "On Mon, 1 Jan 2026 at 10:00, Alice <a@example.com> wrote:" (one or two lines, several languages). */
const ATTRIBUTION =
  /^(on|am|le|el|op|il)\b.{0,300}\b(wrote|schrieb|a écrit|escribió|schreef|ha scritto)\b.{0,200}:\s*$/i;
const ORIGINAL_MESSAGE = /^-{2,}\s*(original message|ursprüngliche nachricht|message d'origine)\s*-{2,}\s*$/i;
const OUTLOOK_HEADER = /^(from|von|de):\s.+/i;
const OUTLOOK_HEADER_NEXT = /^(sent|date|gesendet|envoyé|to|an|subject|betreff|objet):\s/i;

const quoted = (line: string): boolean => line.trimStart().startsWith('>');

/**
 * The text above the quoted history of a reply: cut at "On … wrote:" when only quoted lines follow
 * (answers written between the quotes are kept), at "-----Original Message-----" or an Outlook header block, and drop a
 * trailing block of "> " lines. A mail that is nothing but a quote is kept whole.
 */
export function stripQuotedReply(text: string): string {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  let cut = lines.length;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    const twoLines = `${line} ${(lines[i + 1] ?? '').trim()}`;
    const wrapped = !ATTRIBUTION.test(line) && ATTRIBUTION.test(twoLines);
    if (ATTRIBUTION.test(line) || wrapped) {
      if (onlyQuotes(lines.slice(i + (wrapped ? 2 : 1)))) {
        cut = i;
        break;
      }
    }
    if (ORIGINAL_MESSAGE.test(line)) {
      cut = i;
      break;
    }
    if (OUTLOOK_HEADER.test(line) && lines.slice(i + 1, i + 4).some((l) => OUTLOOK_HEADER_NEXT.test(l.trim()))) {
      const before = lines[i - 1]?.trim() ?? '';
      if (i > 0 && (before === '' || /^_{5,}$/.test(before))) {
        cut = i;
        break;
      }
    }
  }
  let kept = lines.slice(0, cut);
  // A trailing block of quoted lines (bottom-quoting without an attribution line).
  let end = kept.length;
  while (end > 0 && (quoted(kept[end - 1]!) || kept[end - 1]!.trim() === '')) end--;
  if (end < kept.length && kept.slice(end).some(quoted)) kept = kept.slice(0, end);
  const result = kept
    .join('\n')
    .replace(/\n[_-]{5,}\s*$/, '')
    .trim();
  return result || text.trim();
}

/** Nothing but quoted lines: no answers written between the quotes, no text that merely says "wrote:". */
function onlyQuotes(after: string[]): boolean {
  const lines = after.filter((line) => line.trim());
  return lines.length > 0 && lines.every(quoted);
}

/** The message the agent gets: the subject (often the question itself) and the body. */
export function messageForAgent(subject: string | null | undefined, body: string): string {
  let text = body.trim();
  if (text.length > MAX_BODY_CHARS) text = `${text.slice(0, MAX_BODY_CHARS)}\n[… the rest of the mail was cut]`;
  const title = (subject ?? '').replace(/\s+/g, ' ').trim();
  if (!title) return text || '(empty mail)';
  return text ? `Subject: ${title}\n\n${text}` : `Subject: ${title}`;
}
