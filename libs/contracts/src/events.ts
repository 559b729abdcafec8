/**
 * The event catalog: every event the gateway emits, with its payload. One bus carries them to the
 * console's WebSocket and to outbound webhooks; `GET /api/webhooks/events` lists this same catalog.
 * Adding an event means adding it here (name, payload type and description) and nowhere else.
 */

export type ChannelType = 'telegram' | 'email' | 'whatsapp' | 'mattermost';
/**
 * A channel's live state. `waiting_for_qr`: a QR code waits to be scanned (WhatsApp pairing);
 * `logged_out`: the platform ended the session (WhatsApp: the device was unlinked) and the channel
 * waits to be paired again (`POST /api/channels/:id/pair`).
 */
/**
 * `retrying`: the connection failed (the error says why) and the gateway tries again at `retryAt`;
 * `error`: it failed in a way retrying cannot mend (rejected credentials) and waits for a change.
 */
export type ChannelState =
  'connecting' | 'connected' | 'waiting_for_qr' | 'logged_out' | 'stopped' | 'retrying' | 'error';

/** An MCP server's connection: its tools are registered only while `ready`. */
export type McpServerState = 'connecting' | 'ready' | 'error' | 'stopped';

/** Where a run came from and where its reply goes. */
export interface RunOrigin {
  kind: 'channel' | 'webhook' | 'scheduler' | 'task' | 'a2a' | 'api';
  channelType?: ChannelType;
  channelId?: string;
  /** What started it within its kind (a webhook, a job…); `console` on an `api` run from a console session. */
  ref?: string;
  /** A sub-agent's run (kind `a2a`, `ref` its agent id): its role, and the run that handed it the work. */
  role?: string;
  parentRunId?: string;
}

export interface EventPayloads {
  'auth:login': { userId: string; username: string; ip: string };
  'auth:logout': { userId: string; username: string };
  'agent:run:start': { runId: string; conversationId: string; groupId: string | null; origin: RunOrigin };
  'agent:run:text': { runId: string; delta: string };
  'agent:run:complete': {
    runId: string;
    conversationId: string;
    inputTokens: number;
    outputTokens: number;
    durationMs: number;
  };
  'agent:run:error': { runId: string; conversationId: string; error: string; durationMs: number };
  'agent:run:cancelled': { runId: string; conversationId: string; cancelledBy: string; durationMs: number };
  'conversation:compacted': {
    conversationId: string;
    runId: string;
    summarizedMessages: number;
    tokensBefore: number;
    tokensAfter: number;
  };
  'approval:required': {
    approvalId: string;
    runId: string;
    toolName: string;
    input: unknown;
    /** Why the call is held (the acting-call default, a rule, or the exfiltration guard). */
    reason: string;
    expiresAt: string;
  };
  'approval:resolved': {
    approvalId: string;
    runId: string;
    /** `withdrawn`: its run was cancelled while the call waited. */
    status: 'approved' | 'rejected' | 'timed_out' | 'withdrawn';
    decidedBy: string | null;
  };
  'message:incoming': { messageId: string; channelId: string; channelType: ChannelType; sender: string; text: string };
  'message:reply': { messageId: string; channelId: string; channelType: ChannelType; runId: string; text: string };
  'channel:status': {
    channelId: string;
    channelType: ChannelType;
    state: ChannelState;
    error: string | null;
    /** While `retrying`: when the next attempt starts (ISO 8601), else null. */
    retryAt: string | null;
    /**
     * While `waiting_for_qr`: the QR code's text to render and scan (short-lived; a new event brings
     * each new code), else null. Only the console's sessions get it: outbound webhooks leave it out.
     */
    qr: string | null;
  };
  'task:start': { taskId: string; name: string };
  'task:iteration': { taskId: string; iteration: number; summary: string };
  'task:complete': { taskId: string; iterations: number };
  'task:error': { taskId: string; error: string };
  'scheduler:job:complete': { jobId: string; runId: string; status: 'success' | 'error'; durationMs: number };
  /** A model call took an agent group's token spend past 80 % or 100 % of its daily or monthly budget. */
  'budget:threshold': {
    groupId: string;
    groupName: string;
    period: 'day' | 'month';
    percent: 80 | 100;
    usedTokens: number;
    budgetTokens: number;
  };
  'skill:installed': { name: string; version: string };
  'skill:updated': { name: string; version: string; enabled: boolean };
  'skill:removed': { name: string };
  /** A custom skill on disk failed to load; the last good version (if any) stays in use. */
  'skill:error': { name: string; error: string };
  /** A message between agents, stored on the bus (`from`/`to` are agent ids; `summary` its first words). */
  'a2a:message': {
    messageId: string;
    conversationId: string;
    from: string;
    to: string;
    type: A2aMessageType;
    summary: string;
  };
  'agent:spawned': {
    agentId: string;
    role: string;
    parentId: string;
    /** The run that spawned it, and the sub-agent's own first run. */
    parentRunId: string;
    runId: string;
    depth: number;
  };
  /** A sub-agent's run for a delegation or query ended; its answer went back to the asking run. */
  'agent:finished': {
    agentId: string;
    role: string | null;
    runId: string;
    parentRunId: string | null;
    status: 'completed' | 'failed' | 'refused' | 'cancelled';
  };
  /** Container mode: a run's agent call got its container (after waiting `waitedMs` for a free slot). */
  'container:start': { runId: string; containerId: string; waitedMs: number; warm: boolean };
  /** Container mode: a run's container ended; `exit` says how ("exit code 0", "killed after CONTAINER_TIMEOUT_MS …"). */
  'container:exit': { runId: string; containerId: string; exit: string; failed: boolean };
  /** An MCP server's connection changed state; `tools` is how many of its tools are registered now. */
  'mcp:server:state': { id: string; name: string; state: McpServerState; error: string | null; tools: number };
}

/** What an A2A message is: a task, its result, a broadcast, a follow-up question, its answer, or an error. */
export type A2aMessageType = 'delegate' | 'result' | 'broadcast' | 'query' | 'answer' | 'error';

export type EventName = keyof EventPayloads;

/**
 * An event as it travels: on the bus, over the WebSocket and in outbound webhook bodies. A union with
 * one member per name, so checking `event.event` narrows `event.payload` without a cast.
 */
export type GatewayEvent<E extends EventName = EventName> = {
  [N in E]: { event: N; payload: EventPayloads[N]; timestamp: string };
}[E];

export const EVENT_CATALOG: Readonly<Record<EventName, string>> = {
  'auth:login': 'An operator logged in to the console or API.',
  'auth:logout': 'An operator logged out; their session was revoked.',
  'agent:run:start': 'An agent run started.',
  'agent:run:text': 'Text the model is streaming for a run, as it arrives.',
  'agent:run:complete': 'An agent run finished with a reply (tokens and duration included).',
  'agent:run:error': 'An agent run failed or was refused (for example over budget).',
  'agent:run:cancelled': 'An agent run was cancelled by an operator (POST /api/runs/:id/cancel).',
  'conversation:compacted':
    'A conversation grew near the model’s context window: its older turns were replaced by a summary in what is sent (tokens are the request size before and after).',
  'approval:required': 'A tool call is waiting for a human decision.',
  'approval:resolved': 'A held tool call was approved, rejected, timed out or withdrawn (its run was cancelled).',
  'message:incoming': 'A message arrived on a channel.',
  'message:reply': 'The agent replied on a channel.',
  'channel:status':
    'A channel changed state (connecting, connected, waiting for a QR scan, logged out, stopped, error).',
  'task:start': 'A loop task started.',
  'task:iteration': 'A loop task finished an iteration.',
  'task:complete': 'A loop task signalled completion or reached its iteration limit.',
  'task:error': 'A loop task stopped with an error (or its budget ran out).',
  'scheduler:job:complete': 'A scheduled job ran; its output was routed.',
  'budget:threshold':
    'An agent group’s token spend passed 80 % or 100 % of its daily or monthly budget (at 100 % its runs are refused until the window resets).',
  'skill:installed': 'A custom skill was installed (through the API or a new folder on disk).',
  'skill:updated': 'A skill got a new version, or was enabled or disabled.',
  'skill:removed': 'A custom skill was deleted (through the API or its folder removed from disk).',
  'skill:error': 'A custom skill failed to load from disk; its last good version stays in use.',
  'a2a:message':
    'A message between agents was stored on the bus (delegate, result, broadcast, query, answer or error).',
  'agent:spawned': 'An agent delegated a task to a new sub-agent with a role.',
  'agent:finished': 'A sub-agent’s run for a delegation or query ended; its answer went back to the asking agent.',
  'container:start': 'Container mode: an agent call started in its own Docker container.',
  'container:exit':
    'Container mode: an agent call’s container ended (normally, or killed by the timeout, the OOM killer, a cancel, or a failure).',
  'mcp:server:state':
    'An MCP server connected (its tools registered), is connecting, or failed or dropped (its tools unavailable until it reconnects).',
};

export const EVENT_NAMES = Object.keys(EVENT_CATALOG) as EventName[];

export function isEventName(value: string): value is EventName {
  return Object.hasOwn(EVENT_CATALOG, value);
}
