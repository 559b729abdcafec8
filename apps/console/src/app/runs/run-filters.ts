import type { ListRunsData } from '@loop-gateway/api-client';

/** The runs list's filters as the URL and the form hold them (all optional). */
export interface RunFilters {
  status?: string;
  origin?: string;
  groupId?: string;
  channelId?: string;
  /** datetime-local text (the browser's time zone), as the form and the URL keep it. */
  from?: string;
  to?: string;
  q?: string;
}

export const FILTER_KEYS = ['status', 'origin', 'groupId', 'channelId', 'from', 'to', 'q'] as const;

export const STATUS_OPTIONS = ['queued', 'running', 'waiting', 'completed', 'failed', 'refused', 'cancelled'];

/** The origins the gateway filters by, with their labels. */
export const ORIGIN_OPTIONS: readonly { value: string; label: string }[] = [
  { value: 'console', label: 'Console' },
  { value: 'api', label: 'API' },
  { value: 'webhook', label: 'Webhook' },
  { value: 'scheduler', label: 'Scheduler' },
  { value: 'task', label: 'Loop task' },
  { value: 'a2a', label: 'Agent to agent' },
  { value: 'telegram', label: 'Telegram' },
  { value: 'whatsapp', label: 'WhatsApp' },
  { value: 'email', label: 'Email' },
  { value: 'mattermost', label: 'Mattermost' },
];

/** The filters in URL query parameters (blank ones left out, trimmed text). */
export function filtersFromParams(params: Readonly<Record<string, string | undefined | null>>): RunFilters {
  const filters: RunFilters = {};
  for (const key of FILTER_KEYS) {
    const value = params[key]?.trim();
    if (value) filters[key] = value;
  }
  return filters;
}

/** URL query parameters for the filters: every key, null for the unset ones (so navigating removes them). */
export function filtersToParams(filters: RunFilters): Record<string, string | null> {
  return Object.fromEntries(FILTER_KEYS.map((key) => [key, filters[key]?.trim() || null]));
}

/** Whether any filter is set: live new runs are then not added (they may not match). */
export function isFiltered(filters: RunFilters): boolean {
  return FILTER_KEYS.some((key) => Boolean(filters[key]));
}

/**
 * The API query for the filters: datetime-local text as ISO instants (an unreadable one is sent as
 * it is, so the gateway names it).
 */
export function filtersToQuery(filters: RunFilters): NonNullable<ListRunsData['query']> {
  const instant = (value: string) => {
    const time = Date.parse(value);
    return Number.isNaN(time) ? value : new Date(time).toISOString();
  };
  return {
    ...(filters.status ? { status: filters.status as NonNullable<ListRunsData['query']>['status'] } : {}),
    ...(filters.origin ? { origin: filters.origin as NonNullable<ListRunsData['query']>['origin'] } : {}),
    ...(filters.groupId ? { groupId: filters.groupId } : {}),
    ...(filters.channelId ? { channelId: filters.channelId } : {}),
    ...(filters.from ? { from: instant(filters.from) } : {}),
    ...(filters.to ? { to: instant(filters.to) } : {}),
    ...(filters.q ? { q: filters.q } : {}),
  };
}

/** Whether the list offers Retry for a run: it has ended, and it is not a sub-agent's run. */
export function canRetry(run: { status: string; origin: { kind: string } }): boolean {
  return ['completed', 'failed', 'refused', 'cancelled'].includes(run.status) && run.origin.kind !== 'a2a';
}

/** Whether the list offers Cancel for a run: it has not ended. */
export function canCancel(run: { status: string }): boolean {
  return ['queued', 'running', 'waiting'].includes(run.status);
}
