import { EVENT_NAMES, type EventName, type EventPayloads, type GatewayEvent } from '@loop-gateway/contracts';
import { describe, expect, it } from 'vitest';
import { clip, duration, summarizeEvent } from './event-summary';

const at = '2026-01-01T12:00:00.000Z';
const event = <E extends EventName>(name: E, payload: EventPayloads[E]) =>
  ({ event: name, payload, timestamp: at }) as GatewayEvent;

/** One payload per catalog event (the type makes this list complete). */
const SAMPLES: { [E in EventName]: EventPayloads[E] } = {
  'auth:login': { userId: 'u1', username: 'admin', ip: '127.0.0.1' },
  'auth:logout': { userId: 'u1', username: 'admin' },
  'agent:run:start': {
    runId: 'run-1234567890',
    conversationId: 'c1',
    groupId: null,
    origin: { kind: 'channel', channelType: 'telegram' },
  },
  'agent:run:text': { runId: 'run-1234567890', delta: 'Hel' },
  'agent:run:complete': {
    runId: 'run-1234567890',
    conversationId: 'c1',
    inputTokens: 1200,
    outputTokens: 340,
    durationMs: 2300,
  },
  'agent:run:error': { runId: 'run-1234567890', conversationId: 'c1', error: 'Budget exceeded', durationMs: 12 },
  'agent:run:cancelled': { runId: 'run-1234567890', conversationId: 'c1', cancelledBy: 'admin', durationMs: 800 },
  'conversation:compacted': {
    conversationId: 'c1',
    runId: 'run-1234567890',
    summarizedMessages: 40,
    tokensBefore: 46_000,
    tokensAfter: 12_000,
  },
  'approval:required': {
    approvalId: 'a1',
    runId: 'run-1',
    toolName: 'send_email',
    input: {},
    reason:
      'the run has read untrusted content (outside data from web_browse) and attacker.example is not a trusted destination',
    expiresAt: at,
  },
  'approval:resolved': { approvalId: 'a1', runId: 'run-1', status: 'approved', decidedBy: 'admin' },
  'message:incoming': {
    messageId: 'm1',
    channelId: 'ch1',
    channelType: 'telegram',
    sender: 'alice',
    text: 'Hello\nthere',
  },
  'message:reply': { messageId: 'm2', channelId: 'ch1', channelType: 'whatsapp', runId: 'run-1', text: 'Hi Alice' },
  'channel:status': {
    channelId: 'ch1',
    channelType: 'email',
    state: 'error',
    error: 'IMAP login failed',
    retryAt: null,
    qr: null,
  },
  'task:start': { taskId: 'task-1', name: 'Nightly report' },
  'task:iteration': { taskId: 'task-1', iteration: 3, summary: 'Fetched 10 rows' },
  'task:complete': { taskId: 'task-1', iterations: 1 },
  'task:error': { taskId: 'task-1', error: 'Budget ran out' },
  'scheduler:job:complete': { jobId: 'job-1', runId: 'run-1', status: 'success', durationMs: 65_000 },
  'budget:threshold': {
    groupId: 'g1',
    groupName: 'Support',
    period: 'month',
    percent: 80,
    usedTokens: 8_000_000,
    budgetTokens: 10_000_000,
  },
  'skill:installed': { name: 'my-tool', version: '1.0.0' },
  'skill:updated': { name: 'my-tool', version: '1.0.1', enabled: false },
  'skill:removed': { name: 'my-tool' },
  'skill:error': { name: 'my-tool', error: 'handler.js does not compile: Unexpected end of input' },
  'a2a:message': {
    messageId: 'msg-1',
    conversationId: '5f0c2a9e-0000-4000-8000-000000000001',
    from: '5f0c2a9e-0000-4000-8000-000000000001',
    to: '9b7d3e21-0000-4000-8000-000000000002',
    type: 'delegate',
    summary: 'Find the population of Oslo',
  },
  'agent:spawned': {
    agentId: '9b7d3e21-0000-4000-8000-000000000002',
    role: 'researcher',
    parentId: '5f0c2a9e-0000-4000-8000-000000000001',
    parentRunId: 'run-1',
    runId: 'run-2',
    depth: 1,
  },
  'agent:finished': {
    agentId: '9b7d3e21-0000-4000-8000-000000000002',
    role: 'researcher',
    runId: 'run-2',
    parentRunId: 'run-1',
    status: 'completed',
  },
  'container:start': { runId: 'run-1234', containerId: 'c1', waitedMs: 0, warm: true },
  'container:exit': { runId: 'run-1234', containerId: 'c1', exit: 'exit code 0', failed: false },
  'mcp:server:state': { id: 'a1b2c3d4', name: 'files', state: 'error', error: 'The server process exited', tools: 0 },
};

describe('summarizeEvent', () => {
  it('describes logins and logouts the way an operator says it', () => {
    expect(summarizeEvent(event('auth:login', SAMPLES['auth:login']))).toEqual({
      text: 'admin logged in from 127.0.0.1',
      tone: 'info',
    });
    expect(summarizeEvent(event('auth:logout', SAMPLES['auth:logout']))?.text).toBe('admin logged out');
  });

  it('leaves streamed text out of the feed', () => {
    expect(summarizeEvent(event('agent:run:text', SAMPLES['agent:run:text']))).toBeNull();
  });

  it('has a sentence for every catalog event', () => {
    const texts = EVENT_NAMES.filter((name) => name !== 'agent:run:text').map(
      (name) => summarizeEvent(event(name, SAMPLES[name]))?.text,
    );
    expect(texts).toEqual([
      'admin logged in from 127.0.0.1',
      'admin logged out',
      'Run run-1234 started from Telegram',
      'Run run-1234 finished in 2.3 s (1,200 tokens in, 340 out)',
      'Run run-1234 failed after 12 ms: Budget exceeded',
      'Run run-1234 was cancelled by admin after 800 ms',
      'Conversation of run run-1234 compacted: 40 messages summarized (46,000 → 12,000 tokens)',
      'Tool "send_email" is waiting for approval (run run-1): the run has read untrusted content (outside data from web_browse) and attacker.example is not a trusted destination',
      'Tool call approved by admin (run run-1)',
      'Telegram message from alice: “Hello there”',
      'Replied on WhatsApp: “Hi Alice”',
      'Email channel failed: IMAP login failed',
      'Loop task "Nightly report" started',
      'Loop task task-1, iteration 3: Fetched 10 rows',
      'Loop task task-1 completed after 1 iteration',
      'Loop task task-1 stopped: Budget ran out',
      'Scheduled job job-1 ran in 1 min 5 s',
      'Agent group "Support" used 80 % of its monthly token budget (8,000,000 of 10,000,000)',
      'Skill my-tool 1.0.0 installed',
      'Skill my-tool is at 1.0.1 (disabled)',
      'Skill my-tool removed',
      'Skill my-tool does not load: handler.js does not compile: Unexpected end of input',
      'Agent 5f0c2a9e sent a delegate to agent 9b7d3e21: Find the population of Oslo',
      'Agent 5f0c2a9e spawned a researcher 9b7d3e21 (depth 1)',
      'Researcher 9b7d3e21 answered',
      'Run run-1234 started in its own container',
      'Run run-1234’s container ended: exit code 0',
      'MCP server files failed: The server process exited',
    ]);
  });

  it('says a held call was withdrawn because its run was cancelled', () => {
    const withdrawn = summarizeEvent(
      event('approval:resolved', { approvalId: 'a1', runId: 'run-1', status: 'withdrawn', decidedBy: null }),
    );
    expect(withdrawn).toEqual({ text: 'Tool call withdrawn: its run run-1 was cancelled', tone: 'info' });
  });

  it('colours failures as errors and waiting approvals as warnings', () => {
    expect(summarizeEvent(event('agent:run:error', SAMPLES['agent:run:error']))?.tone).toBe('error');
    expect(summarizeEvent(event('approval:required', SAMPLES['approval:required']))?.tone).toBe('warning');
    expect(summarizeEvent(event('agent:run:complete', SAMPLES['agent:run:complete']))?.tone).toBe('success');
  });

  it('says a WhatsApp channel that was logged out needs pairing, as a warning', () => {
    const loggedOut = summarizeEvent(
      event('channel:status', {
        channelId: 'ch2',
        channelType: 'whatsapp',
        state: 'logged_out',
        error: 'WhatsApp logged this device out',
        retryAt: null,
        qr: null,
      }),
    );
    expect(loggedOut).toEqual({ text: 'WhatsApp channel was logged out (pair it again)', tone: 'warning' });
  });

  it('says a channel that cannot connect is retrying, with the reason, as a warning', () => {
    const retrying = summarizeEvent(
      event('channel:status', {
        channelId: 'ch3',
        channelType: 'telegram',
        state: 'retrying',
        error: 'Telegram (api.telegram.org) refused the connection: nothing listens on that port',
        retryAt: '2026-12-04T10:00:04.000Z',
        qr: null,
      }),
    );
    expect(retrying).toEqual({
      text: 'Telegram channel failed to connect; retrying: Telegram (api.telegram.org) refused the connection: nothing listens on that port',
      tone: 'warning',
    });
  });

  it('still gives an entry for a payload that does not match its type', () => {
    expect(summarizeEvent({ event: 'auth:login', payload: null, timestamp: at } as unknown as GatewayEvent)).toEqual({
      text: 'auth:login',
      tone: 'info',
    });
  });

  it('keeps long text to one short line', () => {
    expect(clip('a'.repeat(200))).toHaveLength(80);
    expect(clip('a'.repeat(200)).endsWith('…')).toBe(true);
    expect(duration(850)).toBe('850 ms');
    expect(duration(42_000)).toBe('42 s');
    expect(duration(120_000)).toBe('2 min');
  });
});
