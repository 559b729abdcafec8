import { splitMessage } from '../split-message.js';
import { formatParts } from './telegram.adapter.js';
import { escapeMarkdownV2, toTelegramMarkdown } from './telegram-markdown.js';

describe('splitMessage', () => {
  it('keeps a short text whole', () => {
    expect(splitMessage('Hello', 4096)).toEqual(['Hello']);
  });

  it('cuts at paragraph breaks, then line breaks, then spaces, never beyond the limit', () => {
    expect(splitMessage('aaaa bbbb\n\ncccc dddd', 12)).toEqual(['aaaa bbbb', 'cccc dddd']);
    expect(splitMessage('aaaa\nbbbb\ncccc', 10)).toEqual(['aaaa\nbbbb', 'cccc']);
    expect(splitMessage('aaaa bbbb cccc', 10)).toEqual(['aaaa bbbb', 'cccc']);
    expect(splitMessage('x'.repeat(25), 10)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
  });

  it('does not cut a surrogate pair in two', () => {
    const parts = splitMessage('😀'.repeat(6), 5);
    expect(parts.join('')).toBe('😀'.repeat(6));
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(5);
    expect(parts.every((p) => !/[\uD800-\uDBFF]$/.test(p))).toBe(true);
  });
});

describe('Telegram MarkdownV2', () => {
  it('escapes every reserved character in plain text', () => {
    expect(escapeMarkdownV2('1+1=2. (Really!) #tag a_b')).toBe('1\\+1\\=2\\. \\(Really\\!\\) \\#tag a\\_b');
  });

  it('turns common Markdown into MarkdownV2', () => {
    expect(toTelegramMarkdown('**Bold** and *italic*, `a_b()`.')).toBe('*Bold* and _italic_, `a_b()`\\.');
    expect(toTelegramMarkdown('# Title\n- one\n- two')).toBe('*Title*\n• one\n• two');
    expect(toTelegramMarkdown('See [the docs](https://example.com/a_b?x=1).')).toBe(
      'See [the docs](https://example.com/a_b?x=1)\\.',
    );
    expect(toTelegramMarkdown('```js\nconst a = `x`;\n```')).toBe('```js\nconst a = \\`x\\`;\n```');
  });

  it('closes a code block a split left open', () => {
    expect(toTelegramMarkdown('```\ncode')).toBe('```\ncode\n```');
  });

  it('keeps every formatted part within the limit, falling back to plain text only for tiny pieces', () => {
    const text = 'a.b.c. '.repeat(2000);
    const parts = formatParts(text, 4096);
    for (const part of parts) expect((part.markdown ?? part.plain).length).toBeLessThanOrEqual(4096);
    expect(parts.map((p) => p.plain).join(' ')).toBe(text.trim());
  });
});
