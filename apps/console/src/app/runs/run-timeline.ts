import type { RunCompactionDto, RunMessageDto } from '@loop-gateway/api-client';
import { prettyJson } from './run-format';

/** A Messages API content block as the timeline shows it. */
export type TimelineBlock =
  | { kind: 'text'; text: string }
  | { kind: 'tool_use'; id: string; name: string; input: string }
  | { kind: 'tool_result'; toolUseId: string; content: string; isError: boolean; screenshotId: string | null }
  | { kind: 'other'; type: string; json: string };

const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/** web_browse names the screenshot it saved in its result. */
const SCREENSHOT = /^Screenshot: saved as ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b/m;

/** The readable text of a tool_result's content (a string, or text blocks). */
function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((block: unknown) =>
        typeof block === 'object' && block !== null && (block as { type?: unknown }).type === 'text'
          ? str((block as { text?: unknown }).text)
          : prettyJson(block),
      )
      .join('\n');
  }
  return content === undefined || content === null ? '' : prettyJson(content);
}

export function timelineBlocks(message: RunMessageDto): TimelineBlock[] {
  return message.content.map((block): TimelineBlock => {
    switch (block['type']) {
      case 'text':
        return { kind: 'text', text: str(block['text']) };
      case 'tool_use':
        return { kind: 'tool_use', id: str(block['id']), name: str(block['name']), input: prettyJson(block['input']) };
      case 'tool_result': {
        const content = resultText(block['content']);
        return {
          kind: 'tool_result',
          toolUseId: str(block['tool_use_id']),
          content,
          isError: block['is_error'] === true,
          screenshotId: SCREENSHOT.exec(content)?.[1] ?? null,
        };
      }
      default:
        return { kind: 'other', type: str(block['type']) || 'block', json: prettyJson(block) };
    }
  });
}

/** One line of the run's timeline: a message with its blocks, or a compaction. */
export type TimelineEntry =
  | { key: string; message: RunMessageDto; blocks: TimelineBlock[]; compaction?: undefined }
  | { key: string; compaction: RunCompactionDto; message?: undefined };

/**
 * The messages in order, each compaction placed before the answer it made room for (the first answer
 * written after it); one still without its answer comes last.
 */
export function timelineEntries(
  messages: readonly RunMessageDto[],
  compactions: readonly RunCompactionDto[],
): TimelineEntry[] {
  const pending = [...compactions];
  const entries: TimelineEntry[] = [];
  const compaction = (c: RunCompactionDto): TimelineEntry => ({
    key: `compaction-${c.createdAt}-${c.coversSeq}`,
    compaction: c,
  });
  for (const message of messages) {
    while (message.role === 'assistant' && pending[0] && pending[0].createdAt <= message.createdAt) {
      entries.push(compaction(pending.shift()!));
    }
    entries.push({ key: `message-${message.seq}`, message, blocks: timelineBlocks(message) });
  }
  return [...entries, ...pending.map(compaction)];
}

/** The text the model streamed for an answer: its text blocks, in order. */
function answerText(message: RunMessageDto): string {
  return message.content
    .filter((block) => block['type'] === 'text')
    .map((block) => str(block['text']))
    .join('');
}

/**
 * Streamed text not yet part of a stored answer. When a refetch brings new assistant messages, their
 * text is taken off the front of what was streamed; what is left belongs to the model call under way.
 */
export function pendingStream(streamed: string, newAnswers: readonly RunMessageDto[]): string {
  let rest = streamed;
  for (const answer of newAnswers) {
    const text = answerText(answer);
    if (!rest.startsWith(text)) return '';
    rest = rest.slice(text.length);
  }
  return rest;
}
