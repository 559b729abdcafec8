import type { RunOrigin } from '@loop-gateway/contracts';
import type { RunWait } from '../agents/run-wait.js';

export type RiskLevel = 'low' | 'medium' | 'high';

/** What a tool knows about the call it serves. */
export interface ToolContext {
  runId: string;
  /** The tool_use id of this call: a tool that waits (`ToolResult.wait`) finds what it stored by it. */
  callId?: string;
  conversationId: string;
  groupId: string | null;
  origin: RunOrigin;
  signal: AbortSignal;
  /**
   * Whether the call may go on to another origin than the one it named (a redirect) without a new
   * approval. The approval gate sets it: an approved call never follows a redirect to a host the
   * approver did not see, and a run that read untrusted content only to trusted destinations.
   * Omitted: wherever the address guard lets the call go.
   */
  mayFollow?: (url: URL) => boolean;
  /**
   * The tool revisions the run pinned when it started (`Run.toolPins`): a call runs that revision of
   * a skill even if the skill was reloaded since. Omitted: the current code.
   */
  pins?: Readonly<Record<string, string>>;
  /**
   * The Agent Skills the run was offered (listed in its system prompt): `load_skill` and
   * `read_skill_file` serve only those. Omitted: every enabled one.
   */
  agentSkills?: readonly string[];
}

export interface ToolResult {
  /** What the model reads back. */
  content: string;
  isError?: boolean;
  /**
   * Content from outside (web pages, HTTP bodies, mails, skill and MCP results): wrapped as untrusted
   * data for the model, and the conversation is marked as holding untrusted content.
   */
  untrusted?: boolean;
  /** The version of the tool that ran (set by the executor from `Tool.version`). */
  toolVersion?: string;
  /**
   * The call has started something it must wait for (a delegation to another agent): the run pauses
   * without a result for this call and, when it resumes, calls the tool again with the same call id;
   * the tool then answers from what it stored (its result, or the same wait). `content` is ignored.
   */
  wait?: RunWait;
}

/** A tool the agent can call. Built-in tools and skills implement this and register in the ToolRegistry. */
export interface Tool {
  name: string;
  description: string;
  /** JSON Schema of the input, as the model sees it. */
  inputSchema: Record<string, unknown>;
  riskLevel: RiskLevel;
  /** The version of the tool's code (a skill's manifest version), recorded with each call; omitted: built in. */
  version?: string;
  /**
   * Changes whenever the tool's code or manifest does, even without a new version (a skill edited on
   * disk): an approval is for the revision the approver saw, and a call whose tool changed since is not run.
   */
  revision?: string;
  /** Milliseconds before the call is abandoned with an error result. */
  timeoutMs?: number;
  /** The MCP server the tool comes from; omitted: the gateway's own. */
  mcpServer?: string;
  /**
   * Whether this call acts on the world (runs code, sends data out). Such calls need a human's approval
   * by default; reading calls do not. Omitted: the call only reads.
   */
  acts?(input: unknown): boolean;
  /** For operators, which calls act, in a few words ("every call", "methods other than GET and HEAD"). */
  actsWhen?: string;
  /**
   * The URLs this call sends a request to (http_request, web_browse), whatever its method: the
   * exfiltration guard holds calls to hosts that are not trusted destinations. Omitted or empty: the
   * call reaches no host the model names (an input that does not parse names none; the tool refuses it).
   */
  destinations?(input: unknown): URL[];
  execute(input: unknown, context: ToolContext): Promise<ToolResult>;
}
