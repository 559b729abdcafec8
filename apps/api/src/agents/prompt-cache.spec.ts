import { describe, expect, it } from '@jest/globals';
import type { ChatMessage } from './model/model-provider.js';
import { withCacheControl } from './prompt-cache.js';

const EPHEMERAL = { type: 'ephemeral' };
const tools = [
  { name: 'a', description: 'A', input_schema: {} },
  { name: 'b', description: 'B', input_schema: {} },
];

function turns(count: number): ChatMessage[] {
  return Array.from({ length: count }, (_, i) => ({
    role: i % 2 === 0 ? ('user' as const) : ('assistant' as const),
    content: [
      { type: 'text' as const, text: `turn ${i}` },
      { type: 'text' as const, text: `more ${i}` },
    ],
  }));
}

/** Where the breakpoints are: "tools:i", "system", "message:i:j". */
function marks(prompt: ReturnType<typeof withCacheControl>): string[] {
  const found: string[] = [];
  prompt.tools.forEach((tool, i) => tool.cache_control && found.push(`tools:${i}`));
  if (prompt.system.some((block) => block.cache_control)) found.push('system');
  prompt.messages.forEach((message, i) =>
    message.content.forEach((block, j) => block.cache_control && found.push(`message:${i}:${j}`)),
  );
  return found;
}

describe('withCacheControl', () => {
  it('marks the tools, the system prompt, the end of the messages and where the previous call ended', () => {
    const prompt = withCacheControl('You help.', tools, turns(5));
    expect(marks(prompt)).toEqual(['tools:1', 'system', 'message:2:1', 'message:4:1']);
    expect(prompt.system).toEqual([{ type: 'text', text: 'You help.', cache_control: EPHEMERAL }]);
  });

  it('never uses more than the four breakpoints Anthropic allows, and fewer when there is less', () => {
    for (let count = 1; count <= 8; count++) {
      expect(marks(withCacheControl('S', tools, turns(count))).length).toBeLessThanOrEqual(4);
    }
    expect(marks(withCacheControl('', [], turns(1)))).toEqual(['message:0:1']);
    expect(marks(withCacheControl('S', [], turns(2)))).toEqual(['system', 'message:1:1']);
  });

  it('reads what the previous turn wrote: its last marked prefix is marked again two messages later', () => {
    const before = withCacheControl('S', tools, turns(3));
    const after = withCacheControl('S', tools, turns(5));
    const written = before.messages.length - 1;
    expect(after.messages[written]).toEqual(before.messages[written]);
  });

  it('leaves the history it is given unchanged, and turns string content into a text block', () => {
    const history = turns(3);
    const copy = structuredClone(history);
    withCacheControl('S', tools, history);
    expect(history).toEqual(copy);
    expect(withCacheControl('S', [], [{ role: 'user', content: 'hi' }]).messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'hi', cache_control: EPHEMERAL }] },
    ]);
  });
});
