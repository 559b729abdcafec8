/** Sample API objects for unit tests. */
import type {
  CalendarDto,
  CalendarEventDto,
  AgentGroupResponseDto,
  ApprovalDetailDto,
  ApprovalDto,
  JobDto,
  JobRunDto,
  TaskDetailDto,
  TaskDto,
  TaskIterationDto,
} from '@loop-gateway/api-client';

export function agentGroup(overrides: Partial<AgentGroupResponseDto> = {}): AgentGroupResponseDto {
  return {
    id: 'g1',
    name: 'Support',
    systemPrompt: 'You help customers.',
    model: 'claude-sonnet-4-6',
    hasApiKey: true,
    skills: ['web_browse', 'http_request'],
    trustedDestinations: ['api.example.com'],
    budgetMaxTokensDay: 10_000,
    budgetMaxTokensMonth: null,
    contextWindowTokens: null,
    effectiveContextWindowTokens: 200_000,
    channelStyles: { telegram: 'Short lines.' },
    isDefault: false,
    channelIds: [],
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

/** A held run_script call, pending for another ten minutes. */
export function approval(overrides: Partial<ApprovalDto> = {}): ApprovalDto {
  const created = Date.now() - 5_000;
  return {
    id: '6f1c2b7e-0d4a-4c8e-9a1b-2c3d4e5f6a7b',
    runId: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
    conversationId: 'c0ffee00-0000-4000-8000-000000000001',
    groupId: 'g1',
    toolCallId: 'toolu_01',
    toolName: 'run_script',
    input: { language: 'bash', script: 'rm -rf /tmp/cache\necho cleaned' },
    origin: { kind: 'channel', channelType: 'telegram' },
    riskLevel: 'high',
    reason: 'run_script acts on the world (every call)',
    status: 'pending',
    timeoutAction: 'reject',
    expiresAt: new Date(created + 605_000).toISOString(),
    createdAt: new Date(created).toISOString(),
    decidedAt: null,
    decidedBy: null,
    decidedChannelId: null,
    comment: null,
    ...overrides,
  };
}

/** An approval with the conversation that led to the call. */
export function approvalDetail(
  overrides: Partial<ApprovalDetailDto> = {},
  conversation: ApprovalDetailDto['conversation'] = [
    { role: 'user', text: 'Please clear the cache on the build box', createdAt: '2026-01-01T12:00:00.000Z' },
    {
      role: 'assistant',
      text: 'I will clear it.\n[calls run_script with {"language":"bash"}]',
      createdAt: '2026-01-01T12:00:01.000Z',
    },
  ],
): ApprovalDetailDto {
  return { ...approval(overrides), conversation, ...overrides };
}

/** A loop task at work: two of five build iterations done. */
export function task(overrides: Partial<TaskDto> = {}): TaskDto {
  return {
    id: '7a7a7a7a-1111-4222-8333-444455556666',
    name: 'Competitor report',
    status: 'running',
    iterations: 2,
    maxIterations: 5,
    groupId: null,
    planned: false,
    completion: 'marker',
    error: null,
    origin: { kind: 'task' },
    createdAt: '2026-01-01T12:00:00.000Z',
    updatedAt: '2026-01-01T12:01:00.000Z',
    finishedAt: null,
    ...overrides,
  };
}

export function taskIteration(overrides: Partial<TaskIterationDto> = {}): TaskIterationDto {
  return {
    number: 1,
    phase: 'build',
    runId: 'b0b0b0b0-0000-4000-8000-000000000001',
    status: 'done',
    summary: 'Listed the competitors.',
    createdAt: '2026-01-01T12:00:00.000Z',
    finishedAt: '2026-01-01T12:00:30.000Z',
    ...overrides,
  };
}

/** A task with its iteration log (by default: two done, the third under way). */
export function taskDetail(
  overrides: Partial<TaskDto> = {},
  iterationLog: TaskIterationDto[] = [
    taskIteration(),
    taskIteration({ number: 2, runId: 'b0b0b0b0-0000-4000-8000-000000000002', summary: 'Compared prices.' }),
    taskIteration({
      number: 3,
      runId: 'b0b0b0b0-0000-4000-8000-000000000003',
      status: 'running',
      summary: null,
      finishedAt: null,
    }),
  ],
): TaskDetailDto {
  return { ...task(overrides), iterationLog };
}

/** An enabled interval job with no output. */
export function job(overrides: Partial<JobDto> = {}): JobDto {
  return {
    id: 'c1c1c1c1-2222-4333-8444-555566667777',
    name: 'Inbox digest',
    enabled: true,
    trigger: { type: 'interval', everySeconds: 900 },
    action: { type: 'agent', prompt: 'Summarise the inbox.', maxIterations: 10 },
    output: { type: 'none' },
    groupId: null,
    missedPolicy: 'skip',
    nextRunAt: '2026-01-01T12:15:00.000Z',
    lastRunAt: null,
    createdAt: '2026-01-01T12:00:00.000Z',
    updatedAt: '2026-01-01T12:00:00.000Z',
    ...overrides,
  };
}

/** A successful scheduled firing of job(). */
export function jobRun(overrides: Partial<JobRunDto> = {}): JobRunDto {
  return {
    id: 'd2d2d2d2-3333-4444-8555-666677778888',
    jobId: job().id,
    runId: 'e3e3e3e3-4444-4555-8666-777788889999',
    cause: 'schedule',
    status: 'success',
    scheduledFor: '2026-01-01T12:00:00.000Z',
    startedAt: '2026-01-01T12:00:00.100Z',
    finishedAt: '2026-01-01T12:00:02.600Z',
    durationMs: 2500,
    output: 'Three new mails, none urgent.',
    error: null,
    delivery: 'none',
    deliveryError: null,
    deliveryId: null,
    ...overrides,
  };
}

/** A calendar that synced fine. */
export function calendar(overrides: Partial<CalendarDto> = {}): CalendarDto {
  return {
    id: 'a1a1a1a1-5555-4666-8777-888899990000',
    name: 'Team',
    url: 'https://cloud.example.com/team.ics',
    hasPassword: false,
    pollIntervalMinutes: 15,
    pollMinutes: 15,
    timezone: 'Europe/Berlin',
    lastSyncAt: '2026-03-20T08:00:00.000Z',
    lastSyncStatus: 'ok',
    lastSyncError: null,
    nextSyncAt: '2026-03-20T08:15:00.000Z',
    eventCount: 6,
    createdAt: '2026-03-20T08:00:00.000Z',
    ...overrides,
  };
}

/** An instance of a weekly meeting in calendar(), 09:00 in Berlin. */
export function calendarEvent(overrides: Partial<CalendarEventDto> = {}): CalendarEventDto {
  return {
    id: 'f'.repeat(64),
    calendarId: calendar().id,
    uid: 'weekly-sync@example.com',
    summary: 'Weekly sync',
    description: null,
    location: 'Room 4',
    startsAt: '2026-03-30T07:00:00.000Z',
    endsAt: '2026-03-30T08:00:00.000Z',
    localStart: '2026-03-30T09:00',
    localEnd: '2026-03-30T10:00',
    allDay: false,
    recurring: true,
    ...overrides,
  };
}
