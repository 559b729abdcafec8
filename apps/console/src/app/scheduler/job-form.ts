import type { JobCreateDto, JobDto, JobOutputDto, JobRunDto, JobTriggerDto } from '@loop-gateway/api-client';
import cronstrue from 'cronstrue';
import { spellSeconds } from '../approvals/approval-format';

export type TriggerType = JobTriggerDto['type'];
export type OutputType = JobOutputDto['type'];
export type MissedPolicy = JobDto['missedPolicy'];

/** The gateway's limits (JobCreateDto). */
export const INTERVAL_MIN_SECONDS = 10;
export const INTERVAL_MAX_SECONDS = 31_536_000;
export const JOB_MAX_ITERATIONS = 100;
export const MINUTES_BEFORE_MAX = 10_080;
export const CONTEXT_MAX_DAYS = 14;

/** What the job dialog edits: one flat value, whatever the trigger and output. */
export interface JobFormValue {
  name: string;
  triggerType: TriggerType;
  cron: string;
  timezone: string;
  /** once: local date and time, as an `<input type="datetime-local">` holds it ("2026-01-01T09:00"). */
  at: string;
  everySeconds: number | null;
  /** calendar: whose events fire the job, and how many minutes before each. */
  calendarId: string;
  minutesBefore: number | null;
  prompt: string;
  /** The calendar whose events go before the prompt; '' = none. */
  contextCalendarId: string;
  contextDays: number | null;
  maxIterations: number | null;
  outputType: OutputType;
  url: string;
  /** Kept as it is: the dialog does not offer channels yet. */
  channelId: string;
  /** '' = the default group. */
  groupId: string;
  missedPolicy: MissedPolicy;
}

/**
 * The browser's IANA time zone: the default for a cron trigger, and the Scheduler page's one rule —
 * every instant on the page is shown in it, with the zone's short name.
 */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** An instant in the given zone (the browser's), named: "Mar 29, 2026, 9:00 AM GMT+2". */
export function formatInstant(iso: string, zone = browserTimeZone()): string {
  return new Intl.DateTimeFormat('en-US', {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZone: zone,
    timeZoneName: 'short',
  }).format(new Date(iso));
}

/** An ISO instant as the local "YYYY-MM-DDTHH:mm" of a datetime-local input. */
export function toLocalInput(iso: string): string {
  const date = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** What the dialog starts from: the job, or a new daily-at-nine job in the given time zone. */
export function jobFormValue(job: JobDto | undefined, timezone: string): JobFormValue {
  const trigger = job?.trigger;
  return {
    name: job?.name ?? '',
    triggerType: trigger?.type ?? 'cron',
    cron: trigger?.cron ?? '0 9 * * *',
    timezone: trigger?.timezone ?? timezone,
    at: trigger?.at ? toLocalInput(trigger.at) : '',
    everySeconds: trigger?.everySeconds ?? 3600,
    calendarId: trigger?.calendarId ?? '',
    minutesBefore: trigger?.minutesBefore ?? 15,
    prompt: job?.action.prompt ?? '',
    contextCalendarId: job?.action.calendarContext?.calendarId ?? '',
    contextDays: job?.action.calendarContext?.days ?? 1,
    maxIterations: job?.action.maxIterations ?? 10,
    outputType: job?.output.type ?? 'none',
    url: job?.output.url ?? '',
    channelId: job?.output.channelId ?? '',
    groupId: job?.groupId ?? '',
    missedPolicy: job?.missedPolicy ?? 'skip',
  };
}

/** POST / PUT body: only the fields of the chosen trigger and output. */
export function jobRequestBody(value: JobFormValue, enabled = true): JobCreateDto {
  const triggers: Record<TriggerType, () => JobTriggerDto> = {
    cron: () => ({ type: 'cron', cron: value.cron.trim(), timezone: value.timezone.trim() }),
    once: () => ({ type: 'once', at: value.at ? new Date(value.at).toISOString() : '' }),
    interval: () => ({ type: 'interval', everySeconds: value.everySeconds ?? 0 }),
    calendar: () => ({ type: 'calendar', calendarId: value.calendarId, minutesBefore: value.minutesBefore ?? 0 }),
  };
  const trigger = triggers[value.triggerType]();
  const output: JobOutputDto =
    value.outputType === 'webhook'
      ? { type: 'webhook', url: value.url.trim() }
      : value.outputType === 'channel'
        ? { type: 'channel', channelId: value.channelId }
        : { type: 'none' };
  return {
    name: value.name.trim(),
    trigger,
    action: {
      type: 'agent',
      prompt: value.prompt,
      maxIterations: value.maxIterations ?? 10,
      ...(value.contextCalendarId
        ? { calendarContext: { calendarId: value.contextCalendarId, days: value.contextDays ?? 1 } }
        : {}),
    },
    output,
    missedPolicy: value.missedPolicy,
    enabled,
    ...(value.groupId ? { groupId: value.groupId } : {}),
  };
}

/**
 * "Cron 0 9 * * 1-5 (Europe/Berlin)", "Once at Jan 1, 2026, 9:00:00 AM", "Every 15 min",
 * "15 min before each event in Team" (`calendarName` names the calendar, when known).
 */
export function describeTrigger(trigger: JobTriggerDto, calendarName?: (id: string) => string | undefined): string {
  switch (trigger.type) {
    case 'cron': {
      const expression = trigger.cron ?? '';
      return `${cronInWords(expression)}${trigger.timezone ? ` (${trigger.timezone})` : ''} · cron ${expression}`;
    }
    case 'once':
      return trigger.at ? `Once at ${formatInstant(trigger.at)}` : 'Once';
    case 'interval':
      return `Every ${spellSeconds(trigger.everySeconds ?? 0)}`;
    case 'calendar': {
      const minutes = trigger.minutesBefore ?? 0;
      const name = (trigger.calendarId && calendarName?.(trigger.calendarId)) ?? 'a calendar';
      return `${minutes ? `${spellSeconds(minutes * 60)} before` : 'At the start of'} each event in ${name}`;
    }
  }
}

/** "At 09:00, Monday through Friday" (cronstrue; croner's six-field form has seconds first too). */
function cronInWords(expression: string): string {
  try {
    return cronstrue.toString(expression, { use24HourTimeFormat: true });
  } catch {
    return 'Cron';
  }
}

/** When the job fires next, in the browser's time zone (named), like every time on the page. */
export function describeNextRun(job: Pick<JobDto, 'nextRunAt'>, zone = browserTimeZone()): string {
  return job.nextRunAt ? formatInstant(job.nextRunAt, zone) : '—';
}

/** "None", "Webhook https://…", "Channel Support bot" (`channelName` names it, when known). */
export function describeOutput(output: JobOutputDto, channelName?: (id: string) => string | undefined): string {
  switch (output.type) {
    case 'none':
      return 'None';
    case 'webhook':
      return `Webhook ${output.url ?? ''}`;
    case 'channel':
      return `Channel ${(output.channelId && channelName?.(output.channelId)) ?? output.channelId?.slice(0, 8) ?? ''}`;
  }
}

const CAUSES: Record<JobRunDto['cause'], string> = {
  schedule: 'Scheduled',
  manual: 'Run now',
  missed: 'Missed',
};

/** Why a job fired. */
export function causeLabel(cause: JobRunDto['cause']): string {
  return CAUSES[cause];
}

/** An instant in the browser's time zone, named, e.g. "Jan 1, 2026, 9:00 AM UTC". */
export function localTime(iso: string): string {
  return formatInstant(iso);
}
