import { describe, expect, it } from '@jest/globals';
import { messageTokens } from './context-window.js';
import { cutMessage, splitIndex } from './conversation-compactor.js';
import type { ConversationMessage } from './entities/conversation-message.entity.js';
import type { ContentBlock } from './model/model-provider.js';
import { summaryTurn } from './summary-turn.js';

let seq = 0;
function message(role: 'user' | 'assistant', ...content: ContentBlock[]): ConversationMessage {
  seq += 1;
  return { id: `m${seq}`, conversationId: 'c', runId: 'r', seq, role, content, createdAt: new Date(0) };
}
const text = (value: string): ContentBlock => ({ type: 'text', text: value });
const use = (id: string): ContentBlock => ({ type: 'tool_use', id, name: 'lookup', input: { q: id } });
const result = (id: string): ContentBlock => ({ type: 'tool_result', tool_use_id: id, content: `result ${id}` });
const sizes = (history: ConversationMessage[]) => history.map(({ role, content }) => messageTokens({ role, content }));

describe('splitIndex', () => {
  // user, assistant(tool_use), user(tool_result), assistant, user, assistant, user
  const history = [
    message('user', text('one')),
    message('assistant', use('t1')),
    message('user', result('t1')),
    message('assistant', text('answer one')),
    message('user', text('two')),
    message('assistant', text('answer two')),
    message('user', text('three')),
  ];
  const tokens = sizes(history);
  const suffix = (from: number) => tokens.slice(from).reduce((a, b) => a + b, 0);

  it('keeps as many recent turns as fit, starting with a user turn that carries no tool results', () => {
    expect(splitIndex(history, tokens, suffix(4))).toBe(4);
    expect(splitIndex(history, tokens, suffix(4) + 1)).toBe(4);
    // Room for more than index 4 but index 2 is a tool_result and 3 an assistant turn: still 4.
    expect(splitIndex(history, tokens, suffix(2))).toBe(4);
    expect(splitIndex(history, tokens, 10_000)).toBe(4);
  });

  it('never separates a tool_use from its tool_result, and keeps at least the last user turn', () => {
    expect(splitIndex(history, tokens, 0)).toBe(6);
    for (let keep = 0; keep < suffix(0); keep++) {
      const split = splitIndex(history, tokens, keep);
      expect(history[split]!.role).toBe('user');
      expect(history[split]!.content.some((block) => block.type === 'tool_result')).toBe(false);
    }
  });

  it('finds no split for a single turn with its tool rounds', () => {
    const single = [message('user', text('go')), message('assistant', use('t9')), message('user', result('t9'))];
    expect(splitIndex(single, sizes(single), 0)).toBe(-1);
  });

  it('does not compact an earlier summary on its own', () => {
    const summary = summaryTurn({
      id: 's',
      conversationId: 'c',
      runId: 'r',
      coversSeq: 10,
      text: 'Earlier: the user likes tea.',
      summarizedMessages: 9,
      tokensBefore: 1,
      tokensAfter: 1,
      createdAt: new Date(0),
    });
    const after = [summary, message('user', text('a')), message('assistant', text('b')), message('user', text('c'))];
    expect(splitIndex(after, sizes(after), 0)).toBe(3);
    expect(splitIndex([summary, message('user', text('only'))], [10, 1], 0)).toBe(-1);
  });
});

describe('cutMessage', () => {
  it('sends a message that fits as it is, without its stored fields', () => {
    const stored = message('user', text('short'));
    expect(cutMessage(stored, 100)).toEqual({ role: 'user', content: [text('short')] });
  });

  it('cuts a message too large for the window, with a note that says so', () => {
    const huge = 'w'.repeat(400_000);
    const cut = cutMessage({ role: 'user', content: [text(huge)] }, 1000);
    const block = (cut.content as ContentBlock[])[0] as { text: string };
    expect(messageTokens(cut)).toBeLessThanOrEqual(1000);
    expect(block.text.startsWith('w'.repeat(1000))).toBe(true);
    expect(block.text).toMatch(
      /Cut by the gateway: this message was 400000 characters, too long for the model's context window; only the first \d+ were sent/,
    );
  });

  it('cuts a large tool result, keeping the pairing ids', () => {
    const big: ContentBlock = { type: 'tool_result', tool_use_id: 't1', content: 'r'.repeat(100_000) };
    const cut = cutMessage({ role: 'user', content: [big] }, 500);
    const block = (cut.content as ContentBlock[])[0] as { tool_use_id: string; content: string };
    expect(block.tool_use_id).toBe('t1');
    expect(block.content).toMatch(/this tool result was 100000 characters/);
    expect(messageTokens(cut)).toBeLessThanOrEqual(500);
  });
});
