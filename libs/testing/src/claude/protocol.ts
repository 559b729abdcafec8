import { randomBytes } from 'node:crypto';
import { type CacheUsage, requestChars } from './context.js';
import type {
  ContentBlock,
  ContentBlockParam,
  ErrorResponse,
  ErrorStatus,
  ErrorType,
  MessageParam,
  MessageResponse,
  MessagesRequestBody,
  ScriptStep,
  StopReason,
} from './types.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** An id shaped like the real ones: `msg_01` / `toolu_01` / `req_011C` + base62. */
export function randomId(prefix: string): string {
  const bytes = randomBytes(22);
  let id = prefix;
  for (const byte of bytes) id += ALPHABET[byte % 62];
  return id;
}

export const ERROR_TYPES: Record<ErrorStatus, ErrorType> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

const DEFAULT_ERROR_MESSAGES: Record<ErrorStatus, string> = {
  400: 'Invalid request',
  401: 'invalid x-api-key',
  403: 'Your API key does not have permission to use the specified resource.',
  404: 'Not found',
  413: 'Request exceeds the maximum allowed number of bytes.',
  429: 'Number of request tokens has exceeded your per-minute rate limit',
  500: 'Internal server error',
  529: 'Overloaded',
};

export function errorBody(status: ErrorStatus, message?: string): ErrorResponse {
  return { type: 'error', error: { type: ERROR_TYPES[status], message: message ?? DEFAULT_ERROR_MESSAGES[status] } };
}

// ---- Token estimates (≈ 4 characters a token, at least 1). ----

function tokens(chars: number): number {
  return Math.max(1, Math.ceil(chars / 4));
}

/**
 * ceil(chars / 4) over the system prompt, the messages JSON and the tools JSON (without `cache_control`
 * markers); at least 1.
 */
export function estimateInputTokens(body: Pick<MessagesRequestBody, 'system' | 'messages' | 'tools'>): number {
  return tokens(requestChars(body));
}

/** ceil(chars / 4) over the text and the tool_use names and input JSON; at least 1. */
export function estimateOutputTokens(content: ContentBlock[]): number {
  let chars = 0;
  for (const block of content) {
    chars += block.type === 'text' ? block.text.length : block.name.length + (JSON.stringify(block.input) ?? '').length;
  }
  return tokens(chars);
}

// ---- Validation (the basics the real API checks, with its wording where known). ----

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function validateBlock(block: unknown, where: string): string | undefined {
  if (!isObject(block)) return `${where}: Input should be a valid dictionary`;
  if (typeof block.type !== 'string') return `${where}.type: Field required`;
  switch (block.type) {
    case 'text':
      if (typeof block.text !== 'string') return `${where}.text: Field required`;
      if (block.text === '') return 'messages: text content blocks must be non-empty';
      return undefined;
    case 'tool_use':
      if (typeof block.id !== 'string') return `${where}.id: Field required`;
      if (typeof block.name !== 'string') return `${where}.name: Field required`;
      if (!('input' in block)) return `${where}.input: Field required`;
      return undefined;
    case 'tool_result':
      if (typeof block.tool_use_id !== 'string') return `${where}.tool_use_id: Field required`;
      return undefined;
    default:
      return undefined;
  }
}

function toolUseIds(message: MessageParam | undefined): string[] {
  if (!message || message.role !== 'assistant' || typeof message.content === 'string') return [];
  const ids: string[] = [];
  for (const block of message.content) if (block.type === 'tool_use') ids.push(block.id);
  return ids;
}

function validateMessages(messages: unknown): string | undefined {
  if (messages === undefined) return 'messages: Field required';
  if (!Array.isArray(messages)) return 'messages: Input should be a valid list';
  if (messages.length === 0) return 'messages: at least one message is required';
  for (let i = 0; i < messages.length; i++) {
    const message: unknown = messages[i];
    if (!isObject(message)) return `messages.${i}: Input should be a valid dictionary`;
    if (message.role !== 'user' && message.role !== 'assistant') {
      return `messages.${i}.role: Input should be 'user' or 'assistant'`;
    }
    const content = message.content;
    const last = i === messages.length - 1 && message.role === 'assistant';
    if (typeof content === 'string') {
      if (content === '' && !last) {
        return `messages.${i}: all messages must have non-empty content except for the optional final assistant message`;
      }
      continue;
    }
    if (!Array.isArray(content)) return `messages.${i}.content: Input should be a valid list`;
    if (content.length === 0 && !last) {
      return `messages.${i}: all messages must have non-empty content except for the optional final assistant message`;
    }
    for (let j = 0; j < content.length; j++) {
      const problem = validateBlock(content[j], `messages.${i}.content.${j}`);
      if (problem) return problem;
    }
  }
  // tool_use / tool_result pairing, the usual 400 of an agent loop that builds its history wrongly.
  const list = messages as MessageParam[];
  for (let i = 0; i < list.length; i++) {
    const message = list[i];
    if (message.role === 'assistant') {
      const ids = toolUseIds(message);
      const next = list[i + 1];
      if (ids.length === 0 || !next) continue;
      const answered = new Set<string>();
      if (next.role === 'user' && typeof next.content !== 'string') {
        for (const block of next.content) if (block.type === 'tool_result') answered.add(block.tool_use_id);
      }
      const missing = ids.filter((id) => !answered.has(id));
      if (missing.length > 0) {
        return (
          `messages.${i + 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ` +
          `${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`
        );
      }
    } else if (typeof message.content !== 'string') {
      const ids = toolUseIds(list[i - 1]);
      for (let j = 0; j < message.content.length; j++) {
        const block = message.content[j];
        if (block.type === 'tool_result' && !ids.includes(block.tool_use_id)) {
          return (
            `messages.${i}.content.${j}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${block.tool_use_id}. ` +
            'Each `tool_result` block must have a corresponding `tool_use` block in the previous message.'
          );
        }
      }
    }
  }
  return undefined;
}

/** Returns the 400 message for a body the real API would reject, or undefined. `max_tokens` is optional for count_tokens. */
export function validateBody(body: unknown, requireMaxTokens = true): string | undefined {
  if (!isObject(body)) return 'Request body must be a JSON object';
  if (body.model === undefined) return 'model: Field required';
  if (typeof body.model !== 'string' || body.model === '') return 'model: Input should be a valid string';
  if (body.max_tokens === undefined) {
    if (requireMaxTokens) return 'max_tokens: Field required';
  } else if (typeof body.max_tokens !== 'number' || !Number.isInteger(body.max_tokens)) {
    return 'max_tokens: Input should be a valid integer';
  } else if (body.max_tokens < 1) {
    return 'max_tokens: Input should be greater than or equal to 1';
  }
  const messagesProblem = validateMessages(body.messages);
  if (messagesProblem) return messagesProblem;
  const system = body.system;
  if (system !== undefined && typeof system !== 'string') {
    if (!Array.isArray(system)) return 'system: Input should be a valid string or a list of text blocks';
    for (let i = 0; i < system.length; i++) {
      const block: unknown = system[i];
      if (!isObject(block) || block.type !== 'text' || typeof block.text !== 'string') {
        return `system.${i}: Input should be a text block`;
      }
    }
  }
  if (body.tools !== undefined) {
    if (!Array.isArray(body.tools)) return 'tools: Input should be a valid list';
    for (let i = 0; i < body.tools.length; i++) {
      const tool: unknown = body.tools[i];
      if (!isObject(tool)) return `tools.${i}: Input should be a valid dictionary`;
      if (typeof tool.name !== 'string') return `tools.${i}.name: Field required`;
      if ((tool.type === undefined || tool.type === 'custom') && !isObject(tool.input_schema)) {
        return `tools.${i}.custom.input_schema: Field required`;
      }
    }
  }
  if (body.stream !== undefined && typeof body.stream !== 'boolean') return 'stream: Input should be a valid boolean';
  return undefined;
}

// ---- Building answers. ----

export interface Answer extends CacheUsage {
  content: ContentBlock[];
  stopReason: StopReason;
  /** Input tokens not read from or written to the cache. */
  inputTokens: number;
  outputTokens: number;
}

const NO_CACHE: CacheUsage = { cacheReadTokens: 0, cacheCreationTokens: 0 };

export function answerFor(
  step: Exclude<ScriptStep, { error: unknown }>,
  body: MessagesRequestBody,
  cache: CacheUsage = NO_CACHE,
): Answer {
  const content: ContentBlock[] = [];
  let stopReason: StopReason;
  if ('toolUse' in step) {
    if (step.text) content.push({ type: 'text', text: step.text });
    for (const { name, input, id } of [step.toolUse].flat()) {
      content.push({ type: 'tool_use', id: id ?? randomId('toolu_01'), name, input });
    }
    stopReason = 'tool_use';
  } else {
    if (typeof step.text !== 'string') throw new Error('a script step needs `text`, `toolUse` or `error`');
    if (step.text !== '') content.push({ type: 'text', text: step.text });
    stopReason = step.stopReason ?? 'end_turn';
  }
  const cached = step.usage ? NO_CACHE : cache;
  return {
    content,
    stopReason,
    inputTokens:
      step.usage?.input_tokens ?? estimateInputTokens(body) - cached.cacheReadTokens - cached.cacheCreationTokens,
    outputTokens: step.usage?.output_tokens ?? estimateOutputTokens(content),
    ...cached,
  };
}

export function messageJson(id: string, model: string, answer: Answer): MessageResponse {
  return {
    id,
    type: 'message',
    role: 'assistant',
    model,
    content: answer.content,
    stop_reason: answer.stopReason,
    stop_sequence: null,
    usage: usageJson(answer, answer.outputTokens),
  };
}

function usageJson(usage: CacheUsage & { inputTokens: number }, outputTokens: number): MessageResponse['usage'] {
  return {
    input_tokens: usage.inputTokens,
    output_tokens: outputTokens,
    cache_creation_input_tokens: usage.cacheCreationTokens,
    cache_read_input_tokens: usage.cacheReadTokens,
  };
}

export function sse(type: string, data: unknown): string {
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

const MAX_TEXT_DELTAS = 10;

/** Splits text at word boundaries into at most MAX_TEXT_DELTAS pieces (one piece per word for short texts). */
export function textChunks(text: string): string[] {
  const words = text.match(/\s*\S+\s*|\s+/g) ?? [];
  const perChunk = Math.ceil(words.length / MAX_TEXT_DELTAS);
  const chunks: string[] = [];
  for (let i = 0; i < words.length; i += perChunk) chunks.push(words.slice(i, i + perChunk).join(''));
  return chunks;
}

/** Splits a JSON text into up to 3 pieces, as the real API streams tool input. */
export function jsonChunks(json: string): string[] {
  if (json.length < 3) return [json];
  const size = Math.ceil(json.length / 3);
  const chunks: string[] = [];
  for (let i = 0; i < json.length; i += size) chunks.push(json.slice(i, i + size));
  return chunks;
}

export function messageStartEvent(id: string, model: string, usage: CacheUsage & { inputTokens: number }): string {
  return sse('message_start', {
    type: 'message_start',
    message: {
      id,
      type: 'message',
      role: 'assistant',
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: usageJson(usage, 1),
    },
  });
}

export const PING_EVENT = sse('ping', { type: 'ping' });

/** The whole SSE event sequence of a streamed answer, one string per event. */
export function streamEvents(id: string, model: string, answer: Answer): string[] {
  const events = [messageStartEvent(id, model, answer), PING_EVENT];
  answer.content.forEach((block, index) => {
    if (block.type === 'text') {
      events.push(
        sse('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } }),
      );
      for (const text of textChunks(block.text)) {
        events.push(
          sse('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text } }),
        );
      }
    } else {
      events.push(
        sse('content_block_start', {
          type: 'content_block_start',
          index,
          content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} },
        }),
      );
      for (const partial_json of jsonChunks(JSON.stringify(block.input) ?? '')) {
        events.push(
          sse('content_block_delta', {
            type: 'content_block_delta',
            index,
            delta: { type: 'input_json_delta', partial_json },
          }),
        );
      }
    }
    events.push(sse('content_block_stop', { type: 'content_block_stop', index }));
  });
  events.push(
    sse('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: answer.stopReason, stop_sequence: null },
      usage: { output_tokens: answer.outputTokens },
    }),
    sse('message_stop', { type: 'message_stop' }),
  );
  return events;
}

// ---- The default answer: echo the last user turn. ----

function textOf(content: string | ContentBlockParam[] | undefined): string {
  if (content === undefined) return '';
  if (typeof content === 'string') return content;
  const parts: string[] = [];
  for (const block of content) if (block.type === 'text') parts.push(block.text);
  return parts.join('\n');
}

const TOOL_COMMAND = /\/tool\s+([A-Za-z0-9_-]+)\s*(.*)$/ms;

/** The system prompt as text, whether it was sent as a string or as text blocks. */
export function systemText(body: Pick<MessagesRequestBody, 'system'>): string {
  return typeof body.system === 'string' ? body.system : (body.system ?? []).map((block) => block.text).join('\n');
}

/** A request that asks for a summary: no tools, and a system prompt that speaks of summarizing. */
function isSummaryRequest(body: MessagesRequestBody): boolean {
  if (body.tools?.length) return false;
  return /\bsummar(y|ize|ise)/i.test(systemText(body));
}

const SUMMARY_LINE_CHARS = 80;

/**
 * A short, deterministic summary of the last user turn: the start of each of its lines, at most a
 * quarter of its length and within `max_tokens`.
 */
function summaryStep(body: MessagesRequestBody): ScriptStep {
  let userIndex = body.messages.length - 1;
  while (userIndex >= 0 && body.messages[userIndex].role !== 'user') userIndex--;
  const text = textOf(body.messages[userIndex]?.content);
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => (line.length > SUMMARY_LINE_CHARS ? `${line.slice(0, SUMMARY_LINE_CHARS)}…` : line));
  const limit = Math.max(40, Math.min(body.max_tokens * 4, Math.floor(text.length / 4)));
  const summary = `Summary: ${lines.join(' / ') || '(nothing to summarize)'}`;
  return { text: summary.length > limit ? `${summary.slice(0, limit - 1)}…` : summary };
}

export function echoStep(body: MessagesRequestBody, toolCommands: boolean): ScriptStep {
  if (isSummaryRequest(body)) return summaryStep(body);
  const messages = body.messages;
  let userIndex = messages.length - 1;
  while (userIndex >= 0 && messages[userIndex].role !== 'user') userIndex--;
  const user = messages[userIndex];
  if (!user) return { text: 'Echo: (no user message)' };
  const content = user.content;

  if (typeof content !== 'string' && content.some((block) => block.type === 'tool_result')) {
    const previous = messages[userIndex - 1];
    const names = new Map<string, string>();
    if (previous && typeof previous.content !== 'string') {
      for (const block of previous.content) if (block.type === 'tool_use') names.set(block.id, block.name);
    }
    const lines: string[] = [];
    for (const block of content) {
      if (block.type === 'tool_result') {
        const name = names.get(block.tool_use_id) ?? block.tool_use_id;
        const result = textOf(block.content) || '(empty)';
        lines.push(block.is_error ? `Tool ${name} failed: ${result}` : `Tool ${name} returned: ${result}`);
      } else if (block.type === 'text') {
        lines.push(`Echo: ${block.text}`);
      }
    }
    return { text: lines.join('\n') };
  }

  const text = textOf(content);
  if (toolCommands) {
    const match = TOOL_COMMAND.exec(text);
    if (match) {
      const [, name, rawInput] = match;
      const known = body.tools?.map((tool) => tool.name) ?? [];
      if (!known.includes(name)) {
        return { text: `Unknown tool ${name}; the request offers: ${known.length ? known.join(', ') : '(no tools)'}` };
      }
      let input: unknown = {};
      if (rawInput.trim()) {
        try {
          input = JSON.parse(rawInput);
        } catch {
          return { text: `Cannot call ${name}: its input is not valid JSON: ${rawInput.trim()}` };
        }
      }
      return { toolUse: { name, input }, text: `Calling ${name}.` };
    }
  }
  return { text: `Echo: ${text || '(no text)'}` };
}
