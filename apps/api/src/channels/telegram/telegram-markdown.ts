/** Characters MarkdownV2 reserves: escaped with a backslash everywhere outside code. */
const SPECIAL = /[_*[\]()~`>#+\-=|{}.!\\]/g;

export function escapeMarkdownV2(text: string): string {
  return text.replace(SPECIAL, (c) => `\\${c}`);
}

function escapeCode(text: string): string {
  return text.replace(/[`\\]/g, (c) => `\\${c}`);
}

/**
 * Turns the Markdown a model writes (CommonMark-ish: **bold**, *italic* / _italic_, `code`, fenced
 * code blocks, [links](url), # headings, ~~strike~~) into Telegram's MarkdownV2, escaping everything
 * else. What it does not recognise is sent as escaped literal text, so the result always parses;
 * if Telegram still refuses it, the adapter sends the original as plain text.
 */
export function toTelegramMarkdown(markdown: string): string {
  const out: string[] = [];
  const lines = markdown.split('\n');
  let inFence = false;
  let fence: string[] = [];
  let language = '';
  for (const line of lines) {
    const fenceMatch = /^\s*```\s*([\w+-]*)\s*$/.exec(line);
    if (fenceMatch) {
      if (inFence) {
        out.push('```' + language + '\n' + escapeCode(fence.join('\n')) + '\n```');
        fence = [];
        inFence = false;
      } else {
        inFence = true;
        language = fenceMatch[1] ?? '';
      }
      continue;
    }
    if (inFence) {
      fence.push(line);
      continue;
    }
    const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      out.push(`*${inline(heading[1] ?? '')}*`);
      continue;
    }
    const bullet = /^(\s*)[-*+]\s+(.*)$/.exec(line);
    if (bullet) {
      out.push(`${bullet[1] ?? ''}• ${inline(bullet[2] ?? '')}`);
      continue;
    }
    out.push(inline(line));
  }
  // A fence the reply (or the split) left open is closed, so the code still shows as code.
  if (inFence) out.push('```' + language + '\n' + escapeCode(fence.join('\n')) + '\n```');
  return out.join('\n');
}

/** Inline spans on one line. */
function inline(text: string): string {
  const pattern =
    /`([^`\n]+)`|\*\*(.+?)\*\*|__(.+?)__|~~(.+?)~~|\[([^\]\n]+)\]\((https?:\/\/[^\s)]+)\)|(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])|(?<![\w_])_(?!\s)([^_\n]+?)(?<!\s)_(?![\w_])/g;
  let result = '';
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    result += escapeMarkdownV2(text.slice(last, match.index));
    const [, code, bold, boldUnderscore, strike, linkText, linkUrl, italic, italicUnderscore] = match;
    if (code !== undefined) result += '`' + escapeCode(code) + '`';
    else if (bold !== undefined || boldUnderscore !== undefined) result += `*${inline(bold ?? boldUnderscore ?? '')}*`;
    else if (strike !== undefined) result += `~${inline(strike)}~`;
    else if (linkText !== undefined && linkUrl !== undefined)
      result += `[${escapeMarkdownV2(linkText)}](${linkUrl.replace(/[)\\]/g, (c) => `\\${c}`)})`;
    else result += `_${inline(italic ?? italicUnderscore ?? '')}_`;
    last = match.index + match[0].length;
  }
  return result + escapeMarkdownV2(text.slice(last));
}
