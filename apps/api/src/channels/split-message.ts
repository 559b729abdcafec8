/**
 * Splits a reply into parts of at most `limit` characters (UTF-16 code units, as Telegram counts),
 * preferring paragraph breaks, then line breaks, then spaces; a part never ends inside a surrogate
 * pair. Whitespace at the cut is dropped; nothing else is lost.
 */
export function splitMessage(text: string, limit: number): string[] {
  const parts: string[] = [];
  let rest = text.trim();
  while (rest.length > limit) {
    const window = rest.slice(0, limit + 1);
    let cut = lastBreak(window, '\n\n', limit);
    if (cut < limit / 2) cut = Math.max(cut, lastBreak(window, '\n', limit));
    if (cut < limit / 2) cut = Math.max(cut, lastBreak(window, ' ', limit));
    if (cut <= 0) {
      cut = limit;
      const code = rest.charCodeAt(cut - 1);
      if (code >= 0xd800 && code <= 0xdbff) cut--; // keep a surrogate pair together
    }
    const part = rest.slice(0, cut).trimEnd();
    if (part) parts.push(part);
    rest = rest.slice(cut).trimStart();
  }
  if (rest) parts.push(rest);
  return parts;
}

/** Where to cut before the last `separator` that leaves a part of at most `limit` characters. */
function lastBreak(window: string, separator: string, limit: number): number {
  const at = window.lastIndexOf(separator, limit);
  return at > 0 ? at : -1;
}
