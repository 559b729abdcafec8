import type { RunOrigin } from '@loop-gateway/contracts';

export type RiskLevel = 'low' | 'medium' | 'high';

/** What a tool knows about the call it serves. */
export interface ToolContext {
  runId: string;
  conversationId: string;
  groupId: string | null;
  origin: RunOrigin;
  signal: AbortSignal;
}

export interface ToolResult {
  /** What the model reads back. */
  content: string;
  isError?: boolean;
  /** Content from outside (web pages, HTTP bodies, mails): wrapped as untrusted data for the model. */
  untrusted?: boolean;
}

/** A tool the agent can call. Built-in tools and skills implement this and register in the ToolRegistry. */
export interface Tool {
  name: string;
  description: string;
  /** JSON Schema of the input, as the model sees it. */
  inputSchema: Record<string, unknown>;
  riskLevel: RiskLevel;
  /** Milliseconds before the call is abandoned with an error result. */
  timeoutMs?: number;
  /**
   * Whether this call acts on the world (runs code, sends data out). Such calls need a human's approval
   * by default; reading calls do not. Omitted: the call only reads.
   */
  acts?(input: unknown): boolean;
  /** For operators, which calls act, in a few words ("every call", "methods other than GET and HEAD"). */
  actsWhen?: string;
  execute(input: unknown, context: ToolContext): Promise<ToolResult>;
}
