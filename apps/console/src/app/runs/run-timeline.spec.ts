import type { RunMessageDto } from '@loop-gateway/api-client';
import { describe, expect, it } from 'vitest';
import { pendingStream, timelineBlocks, timelineEntries } from './run-timeline';

const answer = (...content: RunMessageDto['content']): RunMessageDto => ({
  seq: 2,
  role: 'assistant',
  content,
  createdAt: '2026-01-01T12:00:00.000Z',
});

describe('pendingStream', () => {
  it('drops the part of the streamed text that is now a stored answer', () => {
    const stored = answer({ type: 'text', text: 'Let me check.' }, { type: 'tool_use', id: 't', name: 'x', input: {} });
    expect(pendingStream('Let me check.Found it', [stored])).toBe('Found it');
    expect(pendingStream('Let me check.', [stored])).toBe('');
  });

  it('keeps everything while no new answer is stored, and starts over when the text does not match', () => {
    expect(pendingStream('Still writing', [])).toBe('Still writing');
    expect(pendingStream('Something else', [answer({ type: 'text', text: 'Other' })])).toBe('');
  });
});

describe('timelineBlocks', () => {
  it('reads text, tool_use, tool_result (string or blocks) and anything else', () => {
    const blocks = timelineBlocks(
      answer(
        { type: 'text', text: 'Hi' },
        { type: 'tool_use', id: 'tu', name: 'fetch', input: { url: 'https://example.com' } },
        { type: 'tool_result', tool_use_id: 'tu', content: [{ type: 'text', text: 'page' }], is_error: false },
        { type: 'image', source: { type: 'base64' } },
      ),
    );
    expect(blocks).toEqual([
      { kind: 'text', text: 'Hi' },
      { kind: 'tool_use', id: 'tu', name: 'fetch', input: '{\n  "url": "https://example.com"\n}' },
      { kind: 'tool_result', toolUseId: 'tu', content: 'page', isError: false, screenshotId: null },
      { kind: 'other', type: 'image', json: expect.stringContaining('"base64"') },
    ]);
  });

  it('finds the screenshot a web_browse result names', () => {
    const id = '0b7e2c4a-5f1d-4c3e-9a8b-1d2e3f4a5b6c';
    const content = `<untrusted_data>\nTitle: Example\nURL: https://example.com/\nStatus: 200\nScreenshot: saved as ${id} (the operator can see it in the console)\n\nText`;
    const [block] = timelineBlocks(answer({ type: 'tool_result', tool_use_id: 'tu', content }));
    expect(block).toMatchObject({ kind: 'tool_result', screenshotId: id });
  });
});

describe('timelineEntries', () => {
  const message = (seq: number, role: 'user' | 'assistant', createdAt: string) => ({
    seq,
    role,
    content: [{ type: 'text', text: `m${seq}` }],
    createdAt,
  });
  const compaction = (createdAt: string) => ({
    coversSeq: 10,
    summarizedMessages: 9,
    tokensBefore: 5000,
    tokensAfter: 1000,
    summary: 'Summary.',
    createdAt,
  });

  it('puts a compaction before the answer written after it, and one without an answer yet last', () => {
    const messages = [
      message(11, 'user', '2026-01-01T10:00:00.000Z'),
      message(12, 'assistant', '2026-01-01T10:00:02.000Z'),
    ];
    const keys = (c: string[]) => timelineEntries(messages, c.map(compaction)).map((e) => e.key);
    expect(keys(['2026-01-01T10:00:01.000Z'])).toEqual([
      'message-11',
      'compaction-2026-01-01T10:00:01.000Z-10',
      'message-12',
    ]);
    expect(keys(['2026-01-01T10:00:03.000Z'])).toEqual([
      'message-11',
      'message-12',
      'compaction-2026-01-01T10:00:03.000Z-10',
    ]);
    expect(keys([])).toEqual(['message-11', 'message-12']);
  });
});
