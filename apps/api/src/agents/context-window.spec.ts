import { describe, expect, it } from '@jest/globals';
import { contextWindowFor, fixedTokens, messageTokens, requestTokens } from './context-window.js';
import type { ConversationMessage } from './entities/conversation-message.entity.js';
import type { ToolSpec } from './model/model-provider.js';

function message(seq: number, role: 'user' | 'assistant', text: string, contextTokens?: number): ConversationMessage {
  return {
    id: `m${seq}`,
    conversationId: 'c',
    runId: 'r',
    seq,
    role,
    content: [{ type: 'text', text }],
    createdAt: new Date(0),
    contextTokens: contextTokens ?? null,
  };
}

const plain = (history: ConversationMessage[]) => history.map(({ role, content }) => ({ role, content }));

describe('contextWindowFor', () => {
  it('takes the group’s window, else the known model’s, else the default', () => {
    expect(contextWindowFor('claude-sonnet-4-6', 50_000, 8_000)).toBe(50_000);
    expect(contextWindowFor('claude-sonnet-4-6', null, 8_000)).toBe(200_000);
    expect(contextWindowFor('claude-3-5-haiku-latest', null, 8_000)).toBe(200_000);
    expect(contextWindowFor('local-model', null, 8_000)).toBe(8_000);
  });
});

describe('fixedTokens', () => {
  it('counts the system prompt and the tools as they are sent, whichever tools a call has', () => {
    const a: ToolSpec = {
      name: 'a',
      description: 'Tool a',
      input_schema: { type: 'object', properties: { q: { type: 'string' } } },
    };
    const b: ToolSpec = { name: 'b', description: 'Tool b — ünïcode', input_schema: { type: 'object' } };
    const sent = (tools: ToolSpec[]) => Math.ceil((40 + JSON.stringify(tools).length) / 4);
    const system = 'x'.repeat(40);
    expect(fixedTokens(system, [])).toBe(10);
    expect(fixedTokens(system, [a])).toBe(sent([a]));
    expect(fixedTokens(system, [a, b])).toBe(sent([a, b]));
    expect(fixedTokens(system, [b, a, b])).toBe(sent([b, a, b])); // the same specs again, counted from what was kept
  });
});

describe('requestTokens', () => {
  const system = 's'.repeat(400);
  const tools = [{ name: 'lookup', description: 'd', input_schema: { type: 'object' } }];

  it('estimates the whole request when no answer has a reported size', () => {
    const history = [message(1, 'user', 'hello there')];
    const sent = plain(history);
    expect(requestTokens(system, tools, history, sent)).toBe(fixedTokens(system, tools) + messageTokens(sent[0]!));
  });

  it('counts from the latest answer’s reported size and estimates only what came after it', () => {
    // The API counted 5000 tokens for the request behind answer 2, far more than chars/4 would say:
    // the figure is kept, not re-estimated, however long the conversation grows.
    const history = [
      message(1, 'user', 'x'.repeat(100)),
      message(2, 'assistant', 'first answer', 900),
      message(3, 'user', 'y'.repeat(100)),
      message(4, 'assistant', 'second answer', 5000),
      message(5, 'user', 'z'.repeat(400)),
    ];
    const sent = plain(history);
    expect(requestTokens(system, tools, history, sent)).toBe(5000 + messageTokens(sent[3]!) + messageTokens(sent[4]!));
  });

  it('ignores answers whose size was cleared by a compaction', () => {
    const history = [
      message(1, 'user', 'a'),
      message(2, 'assistant', 'b', null as unknown as number),
      message(3, 'user', 'c'),
    ];
    const sent = plain(history);
    const all = fixedTokens(system, tools) + sent.reduce((sum, m) => sum + messageTokens(m), 0);
    expect(requestTokens(system, tools, history, sent)).toBe(all);
  });
});
