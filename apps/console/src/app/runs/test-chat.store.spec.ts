import { TestBed } from '@angular/core/testing';
import type { RunDetailResponseDto } from '@loop-gateway/api-client';
import type { GatewayEvent } from '@loop-gateway/contracts';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { type FakeGateway, FakeWebSocket, fakeGateway, loginResponse } from '../../testing/fake-gateway';
import { GatewaySocket } from '../core/realtime/gateway-socket';
import { SESSION_STORAGE_KEY, SessionStore } from '../core/session/session.store';
import { TestChatStore } from './test-chat.store';

const at = '2026-01-01T12:00:00.000Z';
const text = (runId: string, delta: string): GatewayEvent => ({
  event: 'agent:run:text',
  payload: { runId, delta },
  timestamp: at,
});
const start = (runId: string): GatewayEvent => ({
  event: 'agent:run:start',
  payload: { runId, conversationId: 'c1', groupId: 'g1', origin: { kind: 'api' } },
  timestamp: at,
});
const complete = (runId: string): GatewayEvent => ({
  event: 'agent:run:complete',
  payload: { runId, conversationId: 'c1', inputTokens: 120, outputTokens: 8, durationMs: 900 },
  timestamp: at,
});

function detail(overrides: Partial<RunDetailResponseDto>): RunDetailResponseDto {
  return {
    id: 'r1',
    conversationId: 'c1',
    groupId: 'g1',
    status: 'completed',
    waitingFor: null,
    origin: { kind: 'api' },
    input: 'Hi',
    reply: null,
    error: null,
    model: 'claude-sonnet-4-6',
    iterations: 1,
    inputTokens: 0,
    outputTokens: 0,
    durationMs: 0,
    createdAt: at,
    startedAt: at,
    finishedAt: at,
    isolated: false,
    containerExit: null,
    retryOf: null,
    messages: [],
    toolCalls: [],
    modelCalls: [],
    compactions: [],
    ...overrides,
  };
}

describe('TestChatStore', () => {
  let gateway: FakeGateway;
  let chat: TestChatStore;
  let ws: FakeWebSocket;
  const send = (event: GatewayEvent) => ws.receive({ type: 'event', ...event });

  beforeEach(() => {
    gateway = fakeGateway();
    gateway.storage.setItem(SESSION_STORAGE_KEY, JSON.stringify(loginResponse()));
    TestBed.configureTestingModule({ providers: gateway.providers });
    chat = TestBed.inject(TestChatStore);
    TestBed.inject(GatewaySocket).connect('token-1');
    ws = FakeWebSocket.latest();
    ws.open();
    ws.receive({ type: 'ready', userId: 'u1' });
  });

  it('asks for every run’s text only while its message is sent, then for its run’s until the run ends', async () => {
    const subscriptions = () => ws.sent.filter((m) => (m as { type: string }).type === 'subscribe');
    gateway.http.on('POST /api/runs', { status: 202, body: { runId: 'r1', conversationId: 'c1', status: 'queued' } });
    const sending = chat.send('Hello');
    expect(subscriptions().at(-1)).toEqual({ type: 'subscribe', runs: ['*'] });
    await sending;
    expect(subscriptions().slice(-2)).toEqual([
      { type: 'subscribe', runs: ['*', 'r1'] },
      { type: 'subscribe', runs: ['r1'] },
    ]);

    send(complete('r1'));
    expect(subscriptions().at(-1)).toEqual({ type: 'subscribe', runs: [] });
  });

  it('streams the reply of its own run from the text deltas, ignoring other runs', async () => {
    gateway.http.on('POST /api/runs', { status: 202, body: { runId: 'r1', conversationId: 'c1', status: 'queued' } });
    await chat.send('  Hello there  ', 'g1');

    expect(gateway.http.last('POST /api/runs')?.body).toEqual({ message: 'Hello there', groupId: 'g1' });
    expect(chat.turns()).toMatchObject([{ message: 'Hello there', runId: 'r1', status: 'queued', reply: '' }]);

    send(start('r1'));
    send(text('r1', 'Hel'));
    send(text('other-run', 'not ours'));
    send(text('r1', 'lo!'));

    expect(chat.turns()[0]).toMatchObject({ status: 'running', reply: 'Hello!' });
    expect(chat.busy()).toBe(true);
  });

  it('keeps deltas that arrive before POST /api/runs answered and puts them in order', async () => {
    gateway.http.on('POST /api/runs', () => {
      // The run starts and streams while the 202 is still on its way.
      send(start('r1'));
      send(text('r1', 'Early '));
      return { status: 202, body: { runId: 'r1', conversationId: 'c1', status: 'queued' } };
    });
    await chat.send('Hi');
    send(text('r1', 'bird'));

    expect(gateway.http.last('POST /api/runs')?.body).toEqual({ message: 'Hi' });
    expect(chat.turns()[0]).toMatchObject({ runId: 'r1', status: 'running', reply: 'Early bird' });
  });

  it('on complete shows tokens and duration, then the stored final reply', async () => {
    gateway.http
      .on('POST /api/runs', { status: 202, body: { runId: 'r1', conversationId: 'c1', status: 'queued' } })
      .on('GET /api/runs/r1', {
        status: 200,
        body: detail({ reply: 'The final answer.', inputTokens: 120, outputTokens: 8, durationMs: 950 }),
      });
    await chat.send('Question');
    send(text('r1', 'The final'));
    send(complete('r1'));

    expect(chat.turns()[0]).toMatchObject({ status: 'completed', inputTokens: 120, outputTokens: 8, durationMs: 900 });
    await vi.waitFor(() => expect(chat.turns()[0]?.reply).toBe('The final answer.'));
    expect(chat.turns()[0]?.durationMs).toBe(950);
    expect(chat.busy()).toBe(false);
  });

  it('continues the conversation with follow-ups, each reply on its own turn', async () => {
    let next = 1;
    gateway.http.on('POST /api/runs', () => ({
      status: 202,
      body: { runId: `r${next++}`, conversationId: 'c1', status: 'queued' },
    }));
    gateway.http.on('GET /api/runs/r1', { status: 200, body: detail({ id: 'r1', reply: 'First' }) });

    await chat.send('One', 'g1');
    send(text('r1', 'First'));
    send(complete('r1'));
    await vi.waitFor(() => expect(chat.busy()).toBe(false));
    await chat.send('Two', 'ignored-for-follow-ups');
    send(text('r2', 'Second'));

    expect(gateway.http.last('POST /api/runs')?.body).toEqual({ message: 'Two', conversationId: 'c1' });
    expect(chat.conversationId()).toBe('c1');
    expect(chat.groupId()).toBe('g1');
    expect(chat.turns().map((t) => [t.message, t.reply])).toEqual([
      ['One', 'First'],
      ['Two', 'Second'],
    ]);
  });

  it('shows a failed run with its error, and a refusal as refused', async () => {
    let next = 1;
    gateway.http.on('POST /api/runs', () => ({
      status: 202,
      body: { runId: `r${next++}`, conversationId: 'c1', status: 'queued' },
    }));
    gateway.http.on('GET /api/runs/r1', {
      status: 200,
      body: detail({ id: 'r1', status: 'failed', error: 'Model API error 401: invalid x-api-key' }),
    });
    gateway.http.on('GET /api/runs/r2', {
      status: 200,
      body: detail({ id: 'r2', status: 'refused', error: 'Daily token budget reached', reply: 'Over budget, sorry.' }),
    });

    await chat.send('One');
    send({
      event: 'agent:run:error',
      payload: { runId: 'r1', conversationId: 'c1', error: 'Model API error 401: invalid x-api-key', durationMs: 30 },
      timestamp: at,
    });
    expect(chat.turns()[0]).toMatchObject({ status: 'failed', error: 'Model API error 401: invalid x-api-key' });

    await chat.send('Two');
    send({
      event: 'agent:run:error',
      payload: { runId: 'r2', conversationId: 'c1', error: 'Daily token budget reached', durationMs: 3 },
      timestamp: at,
    });
    await vi.waitFor(() => expect(chat.turns()[1]?.status).toBe('refused'));
    expect(chat.turns()[1]).toMatchObject({ reply: 'Over budget, sorry.', error: 'Daily token budget reached' });
  });

  it('shows a budget refusal once, as the reply, when the gateway gives it as both reply and error', async () => {
    const refusal =
      'Agent group "Capped": daily token budget (1000) is used up; it resets at 00:00 on Sat 5 Dec 2026 (UTC)';
    gateway.http.on('POST /api/runs', { status: 202, body: { runId: 'r1', conversationId: 'c1', status: 'queued' } });
    gateway.http.on('GET /api/runs/r1', {
      status: 200,
      body: detail({ id: 'r1', status: 'refused', error: refusal, reply: refusal }),
    });
    await chat.send('One more');
    send({
      event: 'agent:run:error',
      payload: { runId: 'r1', conversationId: 'c1', error: refusal, durationMs: 2 },
      timestamp: at,
    });
    await vi.waitFor(() => expect(chat.turns()[0]?.status).toBe('refused'));
    expect(chat.turns()[0]).toMatchObject({ reply: refusal, error: null });
  });

  it('shows the run waiting while a call of it is held for approval, then running again', async () => {
    gateway.http.on('POST /api/runs', { status: 202, body: { runId: 'r1', conversationId: 'c1', status: 'queued' } });
    await chat.send('Clear the cache');
    send(start('r1'));
    send(text('r1', 'Let me clear it.'));
    const held = (runId: string): GatewayEvent => ({
      event: 'approval:required',
      payload: {
        approvalId: `ap-${runId}`,
        runId,
        toolName: 'run_script',
        input: {},
        reason: 'run_script acts on the world (every call)',
        expiresAt: at,
      },
      timestamp: at,
    });
    send(held('other-run'));
    expect(chat.turns()[0]).toMatchObject({ status: 'running', heldTool: null });

    send(held('r1'));
    expect(chat.turns()[0]).toMatchObject({
      status: 'waiting',
      heldTool: 'run_script',
      reply: 'Let me clear it.',
    });
    expect(chat.busy()).toBe(true);

    send({
      event: 'approval:resolved',
      payload: { approvalId: 'ap-r1', runId: 'r1', status: 'approved', decidedBy: 'admin' },
      timestamp: at,
    });
    expect(chat.turns()[0]).toMatchObject({ status: 'running', heldTool: null });
  });

  it('keeps an approval event that arrives before POST /api/runs answered', async () => {
    gateway.http.on('POST /api/runs', () => {
      // A fast model: the run starts, calls run_script and is held while the 202 is on its way.
      send(start('r1'));
      send({
        event: 'approval:required',
        payload: {
          approvalId: 'ap1',
          runId: 'r1',
          toolName: 'run_script',
          input: {},
          reason: 'run_script acts on the world (every call)',
          expiresAt: at,
        },
        timestamp: at,
      });
      return { status: 202, body: { runId: 'r1', conversationId: 'c1', status: 'queued' } };
    });
    await chat.send('Clean up');
    expect(chat.turns()[0]).toMatchObject({ runId: 'r1', status: 'waiting', heldTool: 'run_script' });
  });

  it('shows why the gateway did not take the message', async () => {
    gateway.http.on('POST /api/runs', {
      status: 503,
      body: { statusCode: 503, message: 'The run queue is full; try again shortly' },
    });
    await chat.send('Hi');

    expect(chat.turns()[0]).toMatchObject({
      runId: null,
      status: 'failed',
      error: 'The run queue is full; try again shortly',
    });
    expect(chat.conversationId()).toBeNull();
    expect(chat.busy()).toBe(false);
  });

  it('starts over on reset and when the session ends', async () => {
    gateway.http.on('POST /api/runs', { status: 202, body: { runId: 'r1', conversationId: 'c1', status: 'queued' } });
    await chat.send('Hi');
    chat.reset();
    expect(chat.turns()).toEqual([]);
    expect(chat.conversationId()).toBeNull();

    await chat.send('Again');
    await chat.send('Follow-up');
    expect(gateway.http.last('POST /api/runs')?.body).toEqual({ message: 'Follow-up', conversationId: 'c1' });
    TestBed.inject(SessionStore).expire();
    expect(chat.turns()).toEqual([]);
    expect(chat.conversationId()).toBeNull();
  });
});
