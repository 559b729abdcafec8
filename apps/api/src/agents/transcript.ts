import type { ContentBlock } from './model/model-provider.js';

const TRANSCRIPT_TEXT_LIMIT = 2000;

/** A content block as one readable line: text as is, tool calls and results in brackets; cut at `limit`. */
export function describeBlock(block: ContentBlock, limit = TRANSCRIPT_TEXT_LIMIT): string {
  const text =
    block.type === 'text'
      ? block.text
      : block.type === 'tool_use'
        ? `[calls ${block.name} with ${JSON.stringify(block.input)}]`
        : `[tool result${block.is_error ? ', error' : ''}: ${block.content}]`;
  return text.length > limit ? `${text.slice(0, limit)}…` : text;
}
