import type { IncomingHttpHeaders } from 'node:http';

// ---- Request side: the subset of the Messages API body that LocalClaude reads. ----

export interface TextBlockParam {
  type: 'text';
  text: string;
  cache_control?: unknown;
}

export interface ImageBlockParam {
  type: 'image';
  source: unknown;
}

export interface DocumentBlockParam {
  type: 'document';
  source: unknown;
}

export interface ToolUseBlockParam {
  type: 'tool_use';
  id: string;
  name: string;
  input: unknown;
  cache_control?: unknown;
}

export interface ToolResultBlockParam {
  type: 'tool_result';
  tool_use_id: string;
  cache_control?: unknown;
  content?: string | Array<TextBlockParam | ImageBlockParam | DocumentBlockParam>;
  is_error?: boolean;
}

export type ContentBlockParam =
  TextBlockParam | ImageBlockParam | DocumentBlockParam | ToolUseBlockParam | ToolResultBlockParam;

export interface MessageParam {
  role: 'user' | 'assistant';
  content: string | ContentBlockParam[];
}

export interface ToolDefinition {
  name: string;
  cache_control?: unknown;
  description?: string;
  input_schema?: Record<string, unknown>;
  type?: string;
}

/** A `POST /v1/messages` body. Unknown fields (temperature, metadata, tool_choice, …) are kept as sent. */
export interface MessagesRequestBody {
  model: string;
  max_tokens: number;
  messages: MessageParam[];
  system?: string | TextBlockParam[];
  tools?: ToolDefinition[];
  stream?: boolean;
  [key: string]: unknown;
}

export interface RecordedRequest {
  method: string;
  /** The path without the query string, e.g. `/v1/messages`. */
  path: string;
  /** Node's lower-cased request headers. */
  headers: IncomingHttpHeaders;
  /** The key from `x-api-key`, else from `Authorization: Bearer …` (the Anthropic SDK 1.x sends the latter). */
  apiKey: string | undefined;
  /**
   * The parsed JSON body. Only guaranteed to match the type for requests that passed validation (those given to a
   * responder); for a body that is not a JSON object it is `{}`, and `rawBody` holds what was sent.
   */
  body: MessagesRequestBody;
  rawBody: string;
  receivedAt: Date;
}

// ---- Response side: what the real API returns. ----

export type StopReason = 'end_turn' | 'max_tokens' | 'tool_use';

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

export type ContentBlock = TextBlock | ToolUseBlock;

export interface MessageUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

export interface MessageResponse {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: ContentBlock[];
  stop_reason: StopReason | null;
  stop_sequence: null;
  usage: MessageUsage;
}

export type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'overloaded_error';

export interface ErrorResponse {
  type: 'error';
  error: { type: ErrorType; message: string };
}

// ---- Scripting. ----

export interface StepUsage {
  input_tokens: number;
  output_tokens: number;
}

/** Answer with a text block (an empty text gives `content: []`). */
export interface TextStep {
  text: string;
  usage?: StepUsage;
  stopReason?: 'end_turn' | 'max_tokens';
}

/** One tool_use block of a scripted answer. */
export interface ScriptedToolUse {
  name: string;
  input: unknown;
  id?: string;
}

/**
 * Answer with an optional text block followed by a tool_use block (several with an array: parallel
 * tool use, as the real API does); stop_reason `tool_use`.
 */
export interface ToolUseStep {
  toolUse: ScriptedToolUse | ScriptedToolUse[];
  text?: string;
  usage?: StepUsage;
}

export type ErrorStatus = 400 | 401 | 403 | 404 | 413 | 429 | 500 | 529;

/** Answer with an API error. */
export interface ErrorStep {
  error: {
    status: ErrorStatus;
    message?: string;
    /** Sent as `retry-after` (seconds). 429 always carries it (default 1); other statuses only when set. */
    retryAfterSeconds?: number;
    /** More response headers (e.g. `retry-after-ms`, `x-should-retry`); they win over `retryAfterSeconds`. */
    headers?: Record<string, string>;
    /**
     * For a streaming request: answer 200, send `message_start` and `ping`, then an SSE `error` event and end the
     * stream (what the real API does when it overloads mid-answer). Ignored for non-streaming requests.
     */
    midStream?: boolean;
  };
}

export type ScriptStep = TextStep | ToolUseStep | ErrorStep;

export type Responder = (request: RecordedRequest) => ScriptStep | Promise<ScriptStep>;

export interface LocalClaudeOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Delay before each scripted/default answer (spread over the events when streaming). Default 0. */
  latencyMs?: number;
  /**
   * The context window: a request whose input (estimated at four characters a token) passes it gets
   * the real API's 400 `prompt is too long`. Default: no limit.
   */
  contextWindowTokens?: number;
  /**
   * How long a `cache_control` prefix stays cached after it was last written or read (the real API's
   * 5-minute cache by default). Cache reads and writes are reported in `usage` as the real API does.
   */
  cacheTtlMs?: number;
  /** When set, only these keys are accepted (others get 401). Otherwise any non-empty key is accepted. */
  apiKeys?: string[];
  /** How many requests `requests` keeps (the most recent ones). Default 1000. */
  maxRecordedRequests?: number;
  /**
   * Default answer only: a last user message containing `/tool <name> <json>` answers with that tool_use (used by
   * the CLI to try tools by hand). Default false.
   */
  toolCommands?: boolean;
  /** The initial `writeBytes` (see LocalClaude): streamed answers written in pieces of this many bytes. */
  writeBytes?: number;
  /** Called with one line per answered request (the CLI passes console.log). */
  log?: (line: string) => void;
}
