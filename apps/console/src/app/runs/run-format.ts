import type { ChannelType, GatewayEvent } from '@loop-gateway/contracts';
import type { RunOriginDto, RunResponseDto } from '@loop-gateway/api-client';
import { CHANNEL_NAMES } from '../activity/event-summary';

export type RunStatus = RunResponseDto['status'];

type RunEventName =
  'agent:run:start' | 'agent:run:text' | 'agent:run:complete' | 'agent:run:error' | 'agent:run:cancelled';

/** A live event about one run (a union the compiler can narrow by `event`). */
export type RunEvent = { [E in RunEventName]: GatewayEvent<E> }[RunEventName];

export function isRunEvent(event: GatewayEvent): event is RunEvent {
  return event.event.startsWith('agent:run:');
}

type ApprovalEventName = 'approval:required' | 'approval:resolved';

/** A live event about a tool call held for a person's approval. */
export type ApprovalEvent = { [E in ApprovalEventName]: GatewayEvent<E> }[ApprovalEventName];

export function isApprovalEvent(event: GatewayEvent): event is ApprovalEvent {
  return event.event === 'approval:required' || event.event === 'approval:resolved';
}

/**
 * A run in one of these states changes no more. A waiting run (for an approval) is not finished: it
 * goes on once a person (or the timeout) decides.
 */
export function isFinished(status: string): boolean {
  return status === 'completed' || status === 'failed' || status === 'refused' || status === 'cancelled';
}

/**
 * A run's status after a live approval event about it: a held call makes it wait, a decision lets it
 * go on. The event comes before the gateway stores the run's new status, so lists apply it themselves.
 */
export function statusAfterApproval<S extends string>(status: S, event: ApprovalEvent): S | 'waiting' | 'running' {
  if (isFinished(status)) return status;
  if (event.event === 'approval:required') return 'waiting';
  // A withdrawn call's run was cancelled: its own event says so.
  if (event.payload.status === 'withdrawn') return status;
  return status === 'waiting' ? 'running' : status;
}

const ORIGIN_KINDS: Record<RunOriginDto['kind'], string> = {
  channel: 'Channel',
  webhook: 'Webhook',
  scheduler: 'Scheduler',
  task: 'Loop task',
  a2a: 'Agent (A2A)',
  api: 'API',
};

/** Where a run came from, in a word or two: "Telegram", "Webhook", "API / console". */
export function originLabel(origin: RunOriginDto): string {
  if (origin.kind === 'channel' && origin.channelType && origin.channelType in CHANNEL_NAMES) {
    return CHANNEL_NAMES[origin.channelType as ChannelType];
  }
  if (origin.kind === 'a2a' && origin.parentRunId) {
    // Who spawned it: shown with a sub-agent's runs and its held calls.
    return `${origin.role ? `${origin.role.charAt(0).toUpperCase()}${origin.role.slice(1)} sub-agent` : 'Agent'} of run ${origin.parentRunId.slice(0, 8)}`;
  }
  return ORIGIN_KINDS[origin.kind] ?? origin.kind;
}

/** "just now", "42 s ago", "5 min ago", "3 h ago", "2 d ago". */
export function timeAgo(iso: string, now: number): string {
  const seconds = Math.max(0, Math.floor((now - Date.parse(iso)) / 1000));
  if (seconds < 5) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86_400)} d ago`;
}

/** JSON for a <pre>: indented, and a string shown as itself. */
export function prettyJson(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}
