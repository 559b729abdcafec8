import type { RunMessageDto } from '@loop-gateway/api-client';
import { describe, expect, it } from 'vitest';
import { pendingStream, timelineBlocks } from './run-timeline';

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
