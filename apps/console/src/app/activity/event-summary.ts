import type {
  ChannelState,
  ChannelType,
  EventName,
  EventPayloads,
  GatewayEvent,
  RunOrigin,
} from '@loop-gateway/contracts';

/** How an entry is coloured in the feed. */
export type ActivityTone = 'info' | 'success' | 'warning' | 'error';

export interface EventSummary {
  text: string;
  tone: ActivityTone;
}

/** null: the event is not an activity of its own (e.g. streamed text) and stays out of the feed. */
type Summarizers = { [E in EventName]: (payload: EventPayloads[E]) => EventSummary | null };

export const CHANNEL_NAMES: Record<ChannelType, string> = {
  telegram: 'Telegram',
  email: 'Email',
  whatsapp: 'WhatsApp',
  mattermost: 'Mattermost',
};

const CHANNEL_STATES: Record<ChannelState, string> = {
  connecting: 'is connecting',
  connected: 'is connected',
  waiting_for_qr: 'is waiting for a QR code scan',
  logged_out: 'was logged out (pair it again)',
  stopped: 'stopped',
  retrying: 'failed to connect; retrying',
  error: 'failed',
};

const info = (text: string): EventSummary => ({ text, tone: 'info' });
const success = (text: string): EventSummary => ({ text, tone: 'success' });
const warning = (text: string): EventSummary => ({ text, tone: 'warning' });
const error = (text: string): EventSummary => ({ text, tone: 'error' });

/**
 * One short sentence per catalog event. The mapped type makes the compiler insist on a summary for
 * every event in libs/contracts, so a new event cannot be forgotten here.
 */
const SUMMARIZERS: Summarizers = {
  'auth:login': (p) => info(`${p.username} logged in from ${p.ip}`),
  'auth:logout': (p) => info(`${p.username} logged out`),
  'agent:run:start': (p) => info(`Run ${shortId(p.runId)} started ${origin(p.origin)}`),
  'agent:run:text': () => null,
  'agent:run:complete': (p) =>
    success(
      `Run ${shortId(p.runId)} finished in ${duration(p.durationMs)} ` +
        `(${count(p.inputTokens)} tokens in, ${count(p.outputTokens)} out)`,
    ),
  'agent:run:error': (p) => error(`Run ${shortId(p.runId)} failed after ${duration(p.durationMs)}: ${clip(p.error)}`),
  'agent:run:cancelled': (p) =>
    warning(`Run ${shortId(p.runId)} was cancelled by ${p.cancelledBy} after ${duration(p.durationMs)}`),
  'conversation:compacted': (p) =>
    info(
      `Conversation of run ${shortId(p.runId)} compacted: ${p.summarizedMessages} messages summarized ` +
        `(${count(p.tokensBefore)} → ${count(p.tokensAfter)} tokens)`,
    ),
  'approval:required': (p) =>
    warning(`Tool "${p.toolName}" is waiting for approval (run ${shortId(p.runId)}): ${p.reason}`),
  'approval:resolved': (p) => {
    const by = p.decidedBy ? ` by ${p.decidedBy}` : '';
    if (p.status === 'approved') return success(`Tool call approved${by} (run ${shortId(p.runId)})`);
    if (p.status === 'rejected') return warning(`Tool call rejected${by} (run ${shortId(p.runId)})`);
    if (p.status === 'withdrawn') return info(`Tool call withdrawn: its run ${shortId(p.runId)} was cancelled`);
    return warning(`Tool call approval timed out (run ${shortId(p.runId)})`);
  },
  'budget:threshold': (p) => {
    const text = `Agent group "${p.groupName}" used ${p.percent} % of its ${p.period === 'day' ? 'daily' : 'monthly'} token budget (${count(p.usedTokens)} of ${count(p.budgetTokens)})`;
    return p.percent >= 100 ? error(text) : warning(text);
  },
  'message:incoming': (p) => info(`${CHANNEL_NAMES[p.channelType]} message from ${p.sender}: “${clip(p.text)}”`),
  'message:reply': (p) => info(`Replied on ${CHANNEL_NAMES[p.channelType]}: “${clip(p.text)}”`),
  'channel:status': (p) => {
    const text = `${CHANNEL_NAMES[p.channelType]} channel ${CHANNEL_STATES[p.state]}`;
    if (p.state === 'error') return error(p.error ? `${text}: ${clip(p.error)}` : text);
    if (p.state === 'retrying') return warning(p.error ? `${text}: ${clip(p.error)}` : text);
    if (p.state === 'logged_out') return warning(text);
    return p.state === 'connected' ? success(text) : info(text);
  },
  'task:start': (p) => info(`Loop task "${p.name}" started`),
  'task:iteration': (p) => info(`Loop task ${shortId(p.taskId)}, iteration ${p.iteration}: ${clip(p.summary)}`),
  'task:complete': (p) =>
    success(`Loop task ${shortId(p.taskId)} completed after ${p.iterations} iteration${p.iterations === 1 ? '' : 's'}`),
  'task:error': (p) => error(`Loop task ${shortId(p.taskId)} stopped: ${clip(p.error)}`),
  'scheduler:job:complete': (p) =>
    p.status === 'success'
      ? success(`Scheduled job ${shortId(p.jobId)} ran in ${duration(p.durationMs)}`)
      : error(`Scheduled job ${shortId(p.jobId)} failed after ${duration(p.durationMs)}`),
  'skill:installed': (p) => success(`Skill ${p.name} ${p.version} installed`),
  'skill:updated': (p) => info(`Skill ${p.name} is at ${p.version}${p.enabled ? '' : ' (disabled)'}`),
  'skill:removed': (p) => info(`Skill ${p.name} removed`),
  'skill:error': (p) => error(`Skill ${p.name} does not load: ${clip(p.error)}`),
  'a2a:message': (p) => info(`Agent ${shortId(p.from)} sent a ${p.type} to agent ${shortId(p.to)}: ${clip(p.summary)}`),
  'agent:spawned': (p) =>
    info(`Agent ${shortId(p.parentId)} spawned a ${p.role} ${shortId(p.agentId)} (depth ${p.depth})`),
  'agent:finished': (p) => {
    const who = `${p.role ? p.role.charAt(0).toUpperCase() + p.role.slice(1) : 'Agent'} ${shortId(p.agentId)}`;
    return p.status === 'completed' ? success(`${who} answered`) : error(`${who} ended as ${p.status}`);
  },
  'container:start': (p) => info(`Run ${shortId(p.runId)} started in its own container`),
  'container:exit': (p) => (p.failed ? error : info)(`Run ${shortId(p.runId)}’s container ended: ${clip(p.exit)}`),
  'mcp:server:state': (p) => {
    if (p.state === 'ready') return success(`MCP server ${p.name} is ready (${p.tools} tools)`);
    if (p.state === 'error') return error(`MCP server ${p.name} failed: ${clip(p.error ?? 'unknown error')}`);
    return info(`MCP server ${p.name} is ${p.state}`);
  },
};

export function summarizeEvent(event: GatewayEvent): EventSummary | null {
  const summarize = SUMMARIZERS[event.event] as (payload: unknown) => EventSummary | null;
  try {
    return summarize(event.payload);
  } catch {
    // A payload that does not match its type (an older or newer gateway) still gets an entry.
    return info(event.event);
  }
}

function origin(o: RunOrigin): string {
  switch (o.kind) {
    case 'channel':
      return o.channelType ? `from ${CHANNEL_NAMES[o.channelType]}` : 'from a channel';
    case 'webhook':
      return 'from a webhook';
    case 'scheduler':
      return 'by the scheduler';
    case 'task':
      return 'by a loop task';
    case 'a2a':
      return 'by another agent (A2A)';
    case 'api':
      return 'through the API';
  }
}

/** First 8 characters of an id: enough to tell runs apart in a list. */
export function shortId(id: string): string {
  return id.length > 8 ? id.slice(0, 8) : id;
}

/** 850 ms, 1.2 s, 2 min 5 s */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return seconds ? `${minutes} min ${seconds} s` : `${minutes} min`;
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** Keeps long text (messages, errors) to one line of the feed. */
export function clip(text: string, max = 80): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}
