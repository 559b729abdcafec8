import { TestBed } from '@angular/core/testing';
import type { RunDetailResponseDto } from '@loop-gateway/api-client';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { type FakeGateway, FakeWebSocket, fakeGateway, loginResponse } from '../../testing/fake-gateway';
import { approval } from '../../testing/fixtures';
import { GatewaySocket } from '../core/realtime/gateway-socket';
import { SESSION_STORAGE_KEY } from '../core/session/session.store';
import { RUN_DETAIL_POLL_MS, RunDetailPage } from './run-detail.page';

const at = '2026-01-01T12:00:00.000Z';

function running(): RunDetailResponseDto {
  return {
    id: 'r1',
    conversationId: 'c1',
    groupId: null,
    status: 'running',
    waitingFor: null,
    origin: { kind: 'channel', channelType: 'telegram' },
    input: 'Look this up',
    reply: null,
    error: null,
    model: 'claude-sonnet-4-6',
    iterations: 1,
    inputTokens: 300,
    outputTokens: 40,
    durationMs: null,
    createdAt: at,
    startedAt: at,
    finishedAt: null,
    isolated: true,
    containerExit: null,
    retryOf: null,
    messages: [
      { seq: 1, role: 'user', content: [{ type: 'text', text: 'Look this up' }], createdAt: at },
      {
        seq: 2,
        role: 'assistant',
        content: [
          { type: 'text', text: 'Searching.' },
          { type: 'tool_use', id: 'tu1', name: 'web_search', input: { q: 'loop gateway' } },
        ],
        createdAt: at,
      },
      {
        seq: 3,
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: 'tu1', content: 'Search backend unreachable', is_error: true }],
        createdAt: at,
      },
    ],
    toolCalls: [
      {
        id: 'tu1',
        name: 'web_search',
        input: { q: 'loop gateway' },
        toolVersion: null,
        status: 'done',
        output: 'Search backend unreachable',
        isError: true,
        startedAt: at,
        finishedAt: at,
      },
    ],
    modelCalls: [
      {
        id: 'm1',
        model: 'claude-sonnet-4-6',
        status: 'ok',
        error: null,
        inputTokens: 300,
        outputTokens: 40,
        cacheCreationTokens: 0,
        cacheReadTokens: 0,
        durationMs: 1200,
        createdAt: at,
      },
    ],
    compactions: [],
  };
}

describe('RunDetailPage', () => {
  let gateway: FakeGateway;

  beforeEach(() => {
    gateway = fakeGateway();
    gateway.storage.setItem(SESSION_STORAGE_KEY, JSON.stringify(loginResponse()));
    TestBed.configureTestingModule({
      providers: [...gateway.providers, { provide: RUN_DETAIL_POLL_MS, useValue: 3_600_000 }],
    });
  });

  async function render() {
    TestBed.inject(GatewaySocket).connect('token-1');
    const ws = FakeWebSocket.latest();
    ws.open();
    ws.receive({ type: 'ready', userId: 'u1' });
    const fixture = TestBed.createComponent(RunDetailPage);
    fixture.componentRef.setInput('id', 'r1');
    const root = fixture.nativeElement as HTMLElement;
    await vi.waitFor(async () => {
      await fixture.whenStable();
      expect(root.querySelector('[data-testid=run-timeline]')).not.toBeNull();
    });
    const all = (testId: string) => Array.from(root.querySelectorAll(`[data-testid=${testId}]`));
    const text = (testId: string) =>
      root.querySelector(`[data-testid=${testId}]`)?.textContent?.replace(/\s+/g, ' ').trim();
    return { fixture, ws, root, all, text };
  }

  it('shows the timeline, the model calls and the tool calls with their inputs, outputs and errors', async () => {
    gateway.http.on('GET /api/runs/r1', { status: 200, body: running() });
    const { all, text } = await render();

    const messages = all('timeline-message').map((m) => m.textContent?.replace(/\s+/g, ' ').trim());
    expect(messages).toHaveLength(3);
    expect(messages[1]).toContain('Searching.');
    expect(messages[1]).toContain('Calls web_search');
    expect(messages[1]).toContain('"q": "loop gateway"');
    expect(messages[2]).toContain('Error from web_search');
    expect(messages[2]).toContain('Search backend unreachable');

    expect(all('model-call')).toHaveLength(1);
    expect(text('model-call')).toContain('300 / 40');
    expect(text('tool-call')).toContain('web_search');
    expect(text('tool-call')).toContain('Error');
    expect(text('tool-call')).toContain('Search backend unreachable');
    expect(text('run-facts')).toContain('Telegram');
    expect(text('run-live')).toBe('Live');
  });

  it('streams the text of the call under way, then shows the stored answer when the run completes', async () => {
    gateway.http.on('GET /api/runs/r1', { status: 200, body: running() });
    const { fixture, ws, text } = await render();

    const delta = (runId: string, d: string) =>
      ws.receive({ type: 'event', event: 'agent:run:text', payload: { runId, delta: d }, timestamp: at });
    delta('r1', 'The search ');
    delta('other', 'not this run');
    delta('r1', 'failed, sorry.');
    await fixture.whenStable();
    expect(text('timeline-streaming')).toContain('The search failed, sorry.');
    expect(text('timeline-streaming')).not.toContain('not this run');

    const done = running();
    done.status = 'completed';
    done.reply = 'The search failed, sorry.';
    done.durationMs = 2500;
    done.messages.push({
      seq: 4,
      role: 'assistant',
      content: [{ type: 'text', text: 'The search failed, sorry.' }],
      createdAt: at,
    });
    gateway.http.on('GET /api/runs/r1', { status: 200, body: done });
    ws.receive({
      type: 'event',
      event: 'agent:run:complete',
      payload: { runId: 'r1', conversationId: 'c1', inputTokens: 300, outputTokens: 40, durationMs: 2500 },
      timestamp: at,
    });

    await vi.waitFor(async () => {
      await fixture.whenStable();
      expect(text('run-status')).toBe('Completed');
    });
    expect(text('timeline-streaming')).toBeUndefined();
    expect(text('run-live')).toBeUndefined();
    expect(
      Array.from(fixture.nativeElement.querySelectorAll('[data-testid=timeline-message]') as NodeListOf<Element>).at(-1)
        ?.textContent,
    ).toContain('The search failed, sorry.');
  });

  it('shows how the container ended when its exit arrives after the run completed', async () => {
    const done = running();
    done.status = 'completed';
    done.finishedAt = at;
    gateway.http.on('GET /api/runs/r1', { status: 200, body: done });
    const { fixture, ws, text } = await render();
    expect(text('run-detail-isolation')).toBe('In its own container');

    gateway.http.on('GET /api/runs/r1', { status: 200, body: { ...done, containerExit: 'exit code 0' } });
    ws.receive({
      type: 'event',
      event: 'container:exit',
      payload: { runId: 'other', containerId: 'k0', exit: 'exit code 0', failed: false },
      timestamp: at,
    });
    ws.receive({
      type: 'event',
      event: 'container:exit',
      payload: { runId: 'r1', containerId: 'k1', exit: 'exit code 0', failed: false },
      timestamp: at,
    });
    await vi.waitFor(async () => {
      await fixture.whenStable();
      expect(text('run-detail-isolation')).toBe('In its own container · container: exit code 0');
    });
  });

  it('shows a waiting run with the held call, approves it inline and records who decided', async () => {
    const held = running();
    held.status = 'waiting';
    held.waitingFor = { kind: 'approval', approvalId: 'ap1' };
    held.toolCalls.push({
      id: 'tu2',
      name: 'run_script',
      input: { language: 'bash', script: 'echo hi' },
      toolVersion: null,
      status: 'awaiting_approval',
      output: null,
      isError: false,
      startedAt: null,
      finishedAt: null,
    });
    const pending = approval({ runId: 'r1', toolCallId: 'tu2', input: { language: 'bash', script: 'echo hi' } });
    gateway.http
      .on('GET /api/runs/r1', { status: 200, body: held })
      .on('GET /api/approvals/run/r1', { status: 200, body: [pending] });
    const { fixture, root, all, text } = await render();

    await vi.waitFor(async () => {
      await fixture.whenStable();
      expect(text('run-approval')).toContain('The agent wants to call run_script');
    });
    expect(text('run-approval')).toContain('"script": "echo hi"');
    expect(text('run-approval')).toContain('the call is rejected automatically');
    expect(root.querySelector('[data-testid=run-approvals-link]')?.getAttribute('href')).toBe('/approvals');
    expect(root.querySelector('.page-header [data-testid=run-status]')?.textContent?.trim()).toBe('Waiting');
    expect(all('tool-call')[1]?.querySelector('[data-testid=run-status]')?.getAttribute('data-status')).toBe(
      'awaiting_approval',
    );
    expect(all('tool-call')[1]?.textContent).toContain('Waiting for approval…');
    expect(text('run-live')).toBe('Live');

    const decided = { ...pending, status: 'approved' as const, decidedBy: 'admin', decidedAt: at, comment: 'ok' };
    gateway.http
      .on(`POST /api/approvals/${pending.id}/approve`, { status: 200, body: decided })
      .on('GET /api/approvals/run/r1', { status: 200, body: [decided] })
      .on('GET /api/runs/r1', { status: 200, body: { ...held, status: 'running' } });
    const comment = root.querySelector<HTMLTextAreaElement>('[data-testid=approval-comment]')!;
    comment.value = 'ok';
    comment.dispatchEvent(new Event('input'));
    root.querySelector<HTMLButtonElement>('[data-testid=approval-approve]')!.click();

    await vi.waitFor(async () => {
      await fixture.whenStable();
      expect(text('run-approval')).toBeUndefined();
    });
    expect(gateway.http.last(`POST /api/approvals/${pending.id}/approve`)?.body).toEqual({ comment: 'ok' });
    expect(text('tool-call-approval')).toMatch(/^Approved by admin at \d\d:\d\d:\d\d — “ok”$/);
    expect(root.querySelector('.page-header [data-testid=run-status]')?.textContent?.trim()).toBe('Running');
  });

  it('cancels a live run from its page, and says how a run that ended meanwhile ended', async () => {
    gateway.http.on('GET /api/runs/r1', { status: 200, body: running() });
    const { fixture, root, text } = await render();
    await vi.waitFor(async () => {
      await fixture.whenStable();
      expect(text('run-cancel')).toBe('Cancel run');
    });

    const cancelled = { ...running(), status: 'cancelled' as const, error: 'Cancelled by admin', finishedAt: at };
    gateway.http
      .on('POST /api/runs/r1/cancel', { status: 200, body: cancelled })
      .on('GET /api/runs/r1', { status: 200, body: cancelled });
    root.querySelector<HTMLButtonElement>('[data-testid=run-cancel]')!.click();
    await vi.waitFor(async () => {
      await fixture.whenStable();
      expect(root.querySelector('.page-header [data-testid=run-status]')?.textContent?.trim()).toBe('Cancelled');
    });
    expect(gateway.http.last('POST /api/runs/r1/cancel')).toBeDefined();
    expect(root.querySelector('[data-testid=run-cancel]')).toBeNull(); // a finished run has nothing to cancel
    expect(text('run-detail-run-error')).toBe('Cancelled by admin');
  });

  it('shows the 409 of a run that completed before the cancel arrived', async () => {
    gateway.http.on('GET /api/runs/r1', { status: 200, body: running() });
    const { fixture, root, text } = await render();
    const message = 'Run r1 already completed at 2026-01-01T12:00:01.000Z';
    gateway.http
      .on('POST /api/runs/r1/cancel', { status: 409, body: { statusCode: 409, message } })
      .on('GET /api/runs/r1', { status: 200, body: { ...running(), status: 'completed' } });
    await vi.waitFor(async () => {
      await fixture.whenStable();
      expect(root.querySelector('[data-testid=run-cancel]')).not.toBeNull();
    });
    root.querySelector<HTMLButtonElement>('[data-testid=run-cancel]')!.click();
    await vi.waitFor(async () => {
      await fixture.whenStable();
      expect(text('run-cancel-error')).toBe(message);
    });
  });

  it('says when the run does not exist', async () => {
    gateway.http.on('GET /api/runs/r1', { status: 404, body: { statusCode: 404, message: 'Run r1 not found' } });
    TestBed.inject(GatewaySocket).connect('token-1');
    const fixture = TestBed.createComponent(RunDetailPage);
    fixture.componentRef.setInput('id', 'r1');
    const root = fixture.nativeElement as HTMLElement;
    await vi.waitFor(async () => {
      await fixture.whenStable();
      expect(root.querySelector('[data-testid=run-detail-error]')?.textContent?.trim()).toBe('Run r1 not found');
    });
  });

  it('marks where the conversation was compacted, with the summary, and shows cache use per call', async () => {
    const later = '2026-01-01T12:00:05.000Z';
    const detail = running();
    detail.messages = [
      { seq: 41, role: 'user', content: [{ type: 'text', text: 'And now?' }], createdAt: at },
      { seq: 42, role: 'assistant', content: [{ type: 'text', text: 'Now this.' }], createdAt: later },
    ];
    detail.toolCalls = [];
    detail.modelCalls = [{ ...detail.modelCalls[0]!, cacheCreationTokens: 1200, cacheReadTokens: 9800 }];
    detail.compactions = [
      {
        coversSeq: 30,
        summarizedMessages: 29,
        tokensBefore: 46_000,
        tokensAfter: 12_500,
        summary: 'The user plans a trip to Lisbon.',
        createdAt: '2026-01-01T12:00:01.000Z',
      },
    ];
    gateway.http.on('GET /api/runs/r1', { status: 200, body: detail });
    const { root, text } = await render();

    const order = Array.from(
      root.querySelectorAll('[data-testid=timeline-message], [data-testid=timeline-compaction]'),
    ).map((element) => element.getAttribute('data-testid'));
    expect(order).toEqual(['timeline-message', 'timeline-compaction', 'timeline-message']);
    expect(text('timeline-compaction')).toContain('29 earlier messages (up to #30)');
    expect(text('timeline-compaction')).toContain('46,000 → 12,500 tokens');
    expect(text('timeline-compaction')).toContain('The user plans a trip to Lisbon.');
    expect(text('model-call')).toContain('1,200 / 9,800');
  });

  it('starts a new conversation for the chat, as /new does', async () => {
    gateway.http.on('GET /api/runs/r1', { status: 200, body: running() });
    gateway.http.on('POST /api/conversations/c1/close', {
      status: 200,
      body: { id: 'c1', groupId: null, createdAt: at, closedAt: at },
    });
    const { fixture, root, text } = await render();
    root.querySelector<HTMLButtonElement>('[data-testid=run-new-conversation]')!.click();
    await vi.waitFor(async () => {
      await fixture.whenStable();
      expect(text('run-conversation-closed')).toContain('next message starts a new conversation');
    });
    expect(gateway.http.last('POST /api/conversations/c1/close')).toBeDefined();
    expect(root.querySelector('[data-testid=run-new-conversation]')).toBeNull();
  });
});
