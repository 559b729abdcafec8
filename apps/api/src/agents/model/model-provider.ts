/**
 * The model behind the pipeline. The Anthropic Messages API is the first implementation; the shapes
 * below are that API's, so history can be stored and replayed as-is.
 */

export interface TextBlock {
  type: 'text';
  text: string;
}

export interface ToolUseBlock {
  type: 'tool_use';
  id: string;
  name: string;
  input: unknown;
}

export interface ToolResultBlock {
  type: 'tool_result';
  tool_use_id: string;
  content: string;
  is_error?: boolean;
}

export type ContentBlock = TextBlock | ToolUseBlock | ToolResultBlock;

export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string | ContentBlock[];
}

export interface ToolSpec {
  name: string;
  description: string;
  input_schema: Record<string, unknown>;
}

export interface ModelRequest {
  model: string;
  system: string;
  messages: ChatMessage[];
  tools: ToolSpec[];
  maxTokens: number;
  /** The group's key or the global one. */
  apiKey: string | null;
  /** false: no prompt-cache breakpoints (a one-off request whose prefix is never sent again). */
  promptCache?: boolean;
}

export interface ModelUsage {
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
}

export interface ModelResponse {
  content: (TextBlock | ToolUseBlock)[];
  stopReason: 'end_turn' | 'tool_use' | 'max_tokens' | 'stop_sequence' | 'pause_turn' | 'refusal' | string;
  usage: ModelUsage;
}

export class ModelCallError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
  }
}

export abstract class ModelProvider {
  /** One model call, streamed; `onText` gets text as it arrives. Retries and timeouts are inside. */
  abstract call(
    request: ModelRequest,
    options?: { onText?: (delta: string) => void; signal?: AbortSignal },
  ): Promise<ModelResponse>;

  /**
   * Loads what the first call needs ahead of it (called once the gateway listens); nothing by default.
   * Settles when done, never rejects: a failure shows at the first call.
   */
  async warmUp(): Promise<void> {}
}
