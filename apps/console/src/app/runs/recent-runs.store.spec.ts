import { TestBed } from '@angular/core/testing';
import type { RunDetailResponseDto, RunResponseDto } from '@loop-gateway/api-client';
import type { GatewayEvent } from '@loop-gateway/contracts';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { type FakeGateway, FakeWebSocket, fakeGateway, loginResponse } from '../../testing/fake-gateway';
import { GatewaySocket } from '../core/realtime/gateway-socket';
import { SESSION_STORAGE_KEY } from '../core/session/session.store';
import type { RunEvent } from './run-format';
import { RECENT_RUNS_LIMIT, RecentRunsStore, applyRunEvent, mergeRun } from './recent-runs.store';

const run = (id: string, overrides: Partial<RunResponseDto> = {}): RunResponseDto => ({
  id,
  conversationId: `c-${id}`,
  groupId: 'g1',
  status: 'completed',
  waitingFor: null,
  origin: { kind: 'api' },
  input: `input ${id}`,
  reply: 'ok',
  error: null,
  model: 'claude-sonnet-4-6',
  iterations: 1,
  inputTokens: 10,
  outputTokens: 2,
  durationMs: 500,
  createdAt: '2026-01-01T11:00:00.000Z',
  startedAt: '2026-01-01T11:00:00.000Z',
  finishedAt: '2026-01-01T11:00:01.000Z',
  isolated: false,
  containerExit: null,
  retryOf: null,
  ...overrides,
});

/** A page of runs as GET /api/runs answers it, with its paging headers. */
const page = (runs: RunResponseDto[], total: number, next?: string) =>
  new Response(JSON.stringify(runs), {
    status: 200,
    headers: {
      'Content-Type': 'application/json',
      'X-Total-Count': String(total),
      ...(next ? { 'X-Next-Cursor': next } : {}),
    },
  });

const at = '2026-01-01T12:00:00.000Z';
const started = (runId: string): RunEvent => ({
  event: 'agent:run:start',
  payload: { runId, conversationId: `c-${runId}`, groupId: 'g2', origin: { kind: 'channel', channelType: 'telegram' } },
  timestamp: at,
});

describe('applyRunEvent', () => {
  it('puts a run that starts at the top, keeping the list bounded', () => {
    const list = applyRunEvent([run('a'), run('b')], started('new'), 2);
    expect(list.map((r) => r.id)).toEqual(['new', 'a']);
    expect(list[0]).toMatchObject({
      status: 'running',
      groupId: 'g2',
      origin: { kind: 'channel', channelType: 'telegram' },
      createdAt: at,
      inputTokens: 0,
    });
  });

  it('marks a known queued run as running', () => {
    const list = applyRunEvent([run('a', { status: 'queued', startedAt: null })], started('a'), 10);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ status: 'running', startedAt: at });
  });

  it('gives a finished run its status, tokens, duration or error', () => {
    const list = [run('a', { status: 'running' }), run('b', { status: 'running' })];
    const completed = applyRunEvent(
      list,
      {
        event: 'agent:run:complete',
        payload: { runId: 'a', conversationId: 'c-a', inputTokens: 1500, outputTokens: 42, durationMs: 2100 },
        timestamp: at,
      },
      10,
    );
    const failed = applyRunEvent(
      completed,
      {
        event: 'agent:run:error',
        payload: { runId: 'b', conversationId: 'c-b', error: 'No API key', durationMs: 4 },
        timestamp: at,
      },
      10,
    );
    expect(failed[0]).toMatchObject({ status: 'completed', inputTokens: 1500, outputTokens: 42, durationMs: 2100 });
    expect(failed[1]).toMatchObject({ status: 'failed', error: 'No API key', durationMs: 4, finishedAt: at });
  });

  it('leaves the list alone for streamed text and runs it does not show', () => {
    const list = [run('a')];
    expect(
      applyRunEvent(list, { event: 'agent:run:text', payload: { runId: 'a', delta: 'x' }, timestamp: at }, 10),
    ).toBe(list);
    expect(
      applyRunEvent(
        list,
        {
          event: 'agent:run:error',
          payload: { runId: 'zz', conversationId: 'c', error: 'x', durationMs: 1 },
          timestamp: at,
        },
        10,
      ),
    ).toEqual(list);
  });
});

describe('mergeRun', () => {
  it('replaces a row with the stored run, but never with an older state', () => {
    const list = [run('a', { status: 'completed', reply: 'done' })];
    expect(mergeRun(list, run('a', { status: 'running', reply: null }), 10)).toBe(list);
    expect(mergeRun(list, run('a', { status: 'refused', reply: 'Over budget' }), 10)[0]?.status).toBe('refused');
  });

  it('lets a stored run go from running to awaiting approval and back', () => {
    const list = [run('a', { status: 'running' })];
    const held = mergeRun(list, run('a', { status: 'waiting' }), 10);
    expect(held[0]?.status).toBe('waiting');
    expect(mergeRun(held, run('a', { status: 'running' }), 10)[0]?.status).toBe('running');
    expect(mergeRun(held, run('a', { status: 'queued' }), 10)).toBe(held);
  });

  it('adds a run it did not have in date order', () => {
    const list = [
      run('new', { createdAt: '2026-01-01T12:00:00.000Z' }),
      run('old', { createdAt: '2026-01-01T10:00:00.000Z' }),
    ];
    const merged = mergeRun(list, run('mid', { createdAt: '2026-01-01T11:00:00.000Z' }), 10);
    expect(merged.map((r) => r.id)).toEqual(['new', 'mid', 'old']);
  });
});

describe('RecentRunsStore', () => {
  let gateway: FakeGateway;

  beforeEach(() => {
    gateway = fakeGateway();
    gateway.storage.setItem(SESSION_STORAGE_KEY, JSON.stringify(loginResponse()));
    TestBed.configureTestingModule({
      providers: [...gateway.providers, RecentRunsStore, { provide: RECENT_RUNS_LIMIT, useValue: 3 }],
    });
  });

  it('loads the recent runs and keeps them current from the live events', async () => {
    gateway.http.on('GET /api/runs', { status: 200, body: [run('a'), run('b')] });
    const detail: RunDetailResponseDto = {
      ...run('n', {
        status: 'failed',
        input: 'What is new?',
        error: 'ANTHROPIC_API_KEY is not set',
        createdAt: at,
      }),
      messages: [],
      compactions: [],
      toolCalls: [],
      modelCalls: [],
    };
    gateway.http.on('GET /api/runs/n', { status: 200, body: detail });
    const store = TestBed.inject(RecentRunsStore);
    TestBed.inject(GatewaySocket).connect('token-1');
    const ws = FakeWebSocket.latest();
    ws.open();
    await vi.waitFor(() => expect(store.runs().map((r) => r.id)).toEqual(['a', 'b']));

    // Connected (again): asks once more, as events may have been missed meanwhile.
    ws.receive({ type: 'ready', userId: 'u1' });
    TestBed.tick();
    await vi.waitFor(() => expect(gateway.http.requests.filter((r) => r.path === '/api/runs')).toHaveLength(2));
    await vi.waitFor(() => expect(store.loading()).toBe(false));

    ws.receive({ type: 'event', ...(started('n') as GatewayEvent) });
    expect(store.runs()[0]).toMatchObject({ id: 'n', status: 'running' });

    ws.receive({
      type: 'event',
      event: 'agent:run:error',
      payload: { runId: 'n', conversationId: 'c-n', error: 'ANTHROPIC_API_KEY is not set', durationMs: 3 },
      timestamp: at,
    });
    expect(store.runs()[0]).toMatchObject({ id: 'n', status: 'failed', error: 'ANTHROPIC_API_KEY is not set' });
    // The stored run fills in what the events do not carry.
    await vi.waitFor(() => expect(store.runs()[0]?.input).toBe('What is new?'));
    expect(store.runs()).toHaveLength(3);
    expect(store.runs()[0]).not.toHaveProperty('messages');
  });

  it('shows a run waiting for approval while a call is held, and running again once decided', async () => {
    gateway.http.on('GET /api/runs', { status: 200, body: [run('a', { status: 'running' }), run('b')] });
    const store = TestBed.inject(RecentRunsStore);
    TestBed.inject(GatewaySocket).connect('token-1');
    const ws = FakeWebSocket.latest();
    ws.open();
    await vi.waitFor(() => expect(store.runs()).toHaveLength(2));

    const approval = { approvalId: 'ap1', runId: 'a' };
    ws.receive({
      type: 'event',
      event: 'approval:required',
      payload: {
        ...approval,
        toolName: 'run_script',
        input: {},
        reason: 'run_script acts on the world (every call)',
        expiresAt: at,
      },
      timestamp: at,
    });
    expect(store.runs().map((r) => r.status)).toEqual(['waiting', 'completed']);

    ws.receive({
      type: 'event',
      event: 'approval:resolved',
      payload: { ...approval, status: 'approved', decidedBy: 'admin' },
      timestamp: at,
    });
    expect(store.runs().map((r) => r.status)).toEqual(['running', 'completed']);
  });

  it('says when the runs cannot be loaded', async () => {
    gateway.http.on('GET /api/runs', new TypeError('Failed to fetch'));
    const store = TestBed.inject(RecentRunsStore);
    await vi.waitFor(() => expect(store.error()).toMatch(/cannot reach the gateway/i));
  });

  it('asks with the filters, pages on with the cursor, and adds no live run that may not match', async () => {
    gateway.http.on('GET /api/runs', (request) =>
      request.query.get('cursor') === 'next-1'
        ? page([run('c')], 3)
        : request.query.get('status') === 'failed'
          ? page([run('a', { status: 'failed' }), run('b', { status: 'failed' })], 3, 'next-1')
          : page([run('x')], 1),
    );
    const store = TestBed.inject(RecentRunsStore);
    TestBed.inject(GatewaySocket).connect('token-1');
    const ws = FakeWebSocket.latest();
    ws.open();
    await vi.waitFor(() => expect(store.runs().map((r) => r.id)).toEqual(['x']));

    await store.setFilters({ status: 'failed', q: 'zebra', from: '2026-12-01T08:00' });
    expect(store.runs().map((r) => r.id)).toEqual(['a', 'b']);
    expect(store.total()).toBe(3);
    expect(store.hasMore()).toBe(true);
    const asked = gateway.http.last('GET /api/runs')!.query;
    expect(Object.fromEntries(asked)).toEqual({
      limit: '3',
      status: 'failed',
      q: 'zebra',
      from: new Date('2026-12-01T08:00').toISOString(),
    });

    await store.loadMore();
    expect(store.runs().map((r) => r.id)).toEqual(['a', 'b', 'c']);
    expect(gateway.http.last('GET /api/runs')!.query.get('status')).toBe('failed');
    expect(store.hasMore()).toBe(false);

    // Filtered: a run that starts is not added (it may not match); a shown one still changes live.
    ws.receive({ type: 'event', ...(started('new') as GatewayEvent) });
    expect(store.runs().map((r) => r.id)).toEqual(['a', 'b', 'c']);
  });

  it('retries and cancels from the list, and says what happened or why not', async () => {
    gateway.http
      .on('GET /api/runs', page([run('a', { status: 'running', finishedAt: null })], 1))
      .on('POST /api/runs/a/cancel', {
        status: 200,
        body: run('a', { status: 'cancelled', error: 'Cancelled by admin' }),
      })
      .on('POST /api/runs/a/retry', { status: 202, body: { runId: 'r2', conversationId: 'c2', status: 'queued' } })
      .on('POST /api/runs/b/retry', {
        status: 409,
        body: { statusCode: 409, message: 'Run b is still running; cancel it first or wait for it to end' },
      });
    const store = TestBed.inject(RecentRunsStore);
    await vi.waitFor(() => expect(store.runs()).toHaveLength(1));

    await store.cancel(store.runs()[0]!);
    expect(store.runs()[0]).toMatchObject({ status: 'cancelled', error: 'Cancelled by admin' });
    expect(store.notice()).toEqual({ kind: 'cancelled', text: 'Run a cancelled.' });

    await store.retry(store.runs()[0]!);
    expect(store.notice()).toEqual({ kind: 'retried', text: 'Retry started as a new run.', runId: 'r2' });
    await store.retry(run('b'));
    expect(store.notice()).toEqual({
      kind: 'error',
      text: 'Run b is still running; cancel it first or wait for it to end',
    });
  });
});
