import type { ConversationMessage } from './entities/conversation-message.entity.js';
import type { ChatMessage, ToolSpec } from './model/model-provider.js';

/**
 * Context windows of known models, matched by model-id prefix (longest prefix wins). Models not in
 * the table use CONTEXT_WINDOW_TOKENS; a group can set its own window for any model.
 */
export const KNOWN_CONTEXT_WINDOWS: Record<string, number> = {
  'claude-opus-4': 200_000,
  'claude-sonnet-4': 200_000,
  'claude-haiku-4': 200_000,
  'claude-3-7-sonnet': 200_000,
  'claude-3-5-sonnet': 200_000,
  'claude-3-5-haiku': 200_000,
  'claude-3-opus': 200_000,
  'claude-3-haiku': 200_000,
};

/** The window a group's runs use: the group's own, else the model's known one, else the default. */
export function contextWindowFor(model: string, groupWindow: number | null, defaultWindow: number): number {
  if (groupWindow) return groupWindow;
  const match = Object.keys(KNOWN_CONTEXT_WINDOWS)
    .filter((prefix) => model.startsWith(prefix))
    .sort((a, b) => b.length - a.length)[0];
  return match ? KNOWN_CONTEXT_WINDOWS[match]! : defaultWindow;
}

/** About four characters a token: the estimate for what the API has not counted yet. */
export function estimateTokens(chars: number): number {
  return Math.ceil(chars / 4);
}

export function messageTokens(message: ChatMessage): number {
  return estimateTokens(JSON.stringify(message).length);
}

/** Each tool spec's JSON length: the specs are made once per tool (see ToolRegistry.specs). */
const specLengths = new WeakMap<ToolSpec, number>();

/** The part of a request that stays the same from call to call: system prompt and tools. */
export function fixedTokens(system: string, tools: ToolSpec[]): number {
  return estimateTokens(system.length + toolsLength(tools));
}

/** `JSON.stringify(tools).length`, from each spec's length. */
function toolsLength(tools: ToolSpec[]): number {
  if (tools.length === 0) return 0;
  let length = tools.length + 1; // the brackets and the commas between specs
  for (const tool of tools) {
    let own = specLengths.get(tool);
    if (own === undefined) {
      own = JSON.stringify(tool).length;
      specLengths.set(tool, own);
    }
    length += own;
  }
  return length;
}

/**
 * The input size of the request that would send `sent` (the messages as they go out, one for each
 * of `history`). Counted from the latest answer whose request size the API reported (its
 * `contextTokens`: everything before it, system prompt and tools included) plus an estimate of the
 * messages from that answer on; without one, all of it is estimated. So the estimate covers only
 * what was added since the last call and cannot drift as the conversation grows.
 */
export function requestTokens(
  system: string,
  tools: ToolSpec[],
  history: ConversationMessage[],
  sent: ChatMessage[],
): number {
  let anchor = -1;
  for (let i = history.length - 1; i >= 0; i--) {
    if (history[i]!.role === 'assistant' && history[i]!.contextTokens) {
      anchor = i;
      break;
    }
  }
  let tokens = anchor >= 0 ? history[anchor]!.contextTokens! : fixedTokens(system, tools);
  for (let i = Math.max(anchor, 0); i < sent.length; i++) tokens += messageTokens(sent[i]!);
  return tokens;
}
