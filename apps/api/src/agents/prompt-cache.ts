import type { ChatMessage, ContentBlock, ToolSpec } from './model/model-provider.js';

/** Anthropic's 5-minute prompt cache marker. */
const EPHEMERAL = { type: 'ephemeral' } as const;

type Marked<T> = T & { cache_control?: typeof EPHEMERAL };

export interface CachedPrompt {
  system: Marked<{ type: 'text'; text: string }>[];
  tools: Marked<ToolSpec>[];
  messages: { role: 'user' | 'assistant'; content: Marked<ContentBlock>[] }[];
}

/**
 * Places prompt-cache breakpoints (Anthropic allows four) so that each call reads what the call
 * before it wrote: after the tools and after the system prompt (the stable prefix; the tools alone
 * still hit when the system prompt differs, e.g. by channel), at the end of the messages (written now)
 * and at the end of the messages the previous call ended with, two turns back (an answer and the
 * next user turn or tool results have been added since), which that call wrote and this one reads.
 * The inputs are not changed.
 */
export function withCacheControl(system: string, tools: ToolSpec[], messages: ChatMessage[]): CachedPrompt {
  const marked = new Set([messages.length - 1, messages.length - 3].filter((index) => index >= 0));
  return {
    system: system ? [{ type: 'text', text: system, cache_control: EPHEMERAL }] : [],
    tools: tools.map((tool, i) => (i === tools.length - 1 ? { ...tool, cache_control: EPHEMERAL } : tool)),
    messages: messages.map((message, index) => {
      const content: ContentBlock[] =
        typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
      if (!marked.has(index) || content.length === 0) return { role: message.role, content };
      const last = content.length - 1;
      return {
        role: message.role,
        content: content.map((block, i) => (i === last ? { ...block, cache_control: EPHEMERAL } : block)),
      };
    }),
  };
}
