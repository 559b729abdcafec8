import type { RunOrigin } from '@loop-gateway/contracts';

/**
 * Where a run came from, as one word: the channel type for channel runs (telegram, email, …),
 * `console` for runs started from the console, else the origin's kind (api, webhook, scheduler, task,
 * a2a). Usage is broken down by it and the runs explorer filters by it.
 */
export function originKey(origin: RunOrigin): string {
  if (origin.kind === 'channel') return origin.channelType ?? 'channel';
  if (origin.kind === 'api' && origin.ref === 'console') return 'console';
  return origin.kind;
}

/** The origin keys a filter accepts. */
export const ORIGIN_KEYS = [
  'console',
  'api',
  'webhook',
  'scheduler',
  'task',
  'a2a',
  'telegram',
  'whatsapp',
  'email',
  'mattermost',
] as const;
