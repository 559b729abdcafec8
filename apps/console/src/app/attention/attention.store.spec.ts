import { TestBed } from '@angular/core/testing';
import { Title } from '@angular/platform-browser';
import type { ApprovalDto } from '@loop-gateway/api-client';
import type { GatewayEvent } from '@loop-gateway/contracts';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { type FakeGateway, FakeWebSocket, fakeGateway, loginResponse } from '../../testing/fake-gateway';
import { approval } from '../../testing/fixtures';
import { GatewaySocket } from '../core/realtime/gateway-socket';
import { SESSION_STORAGE_KEY } from '../core/session/session.store';
import { ConsoleTitle } from '../core/ui/title-strategy';
import { AttentionStore } from './attention.store';

const held = approval();
const timestamp = '2026-01-01T12:00:00.000Z';

describe('AttentionStore', () => {
  let gateway: FakeGateway;
  let pending: ApprovalDto[];
  let ws: FakeWebSocket;

  beforeEach(() => {
    gateway = fakeGateway();
    gateway.storage.setItem(SESSION_STORAGE_KEY, JSON.stringify(loginResponse()));
    TestBed.configureTestingModule({ providers: [...gateway.providers, AttentionStore] });
    pending = [];
    gateway.http.on('GET /api/approvals/stats', () => ({
      status: 200,
      body: { pending: pending.length, approved: 0, rejected: 0, timedOut: 0, averageDecisionSeconds: null },
    }));
  });

  function start() {
    TestBed.inject(GatewaySocket).connect('token-1');
    ws = FakeWebSocket.latest();
    ws.open();
    ws.receive({ type: 'ready', userId: 'u1' });
    TestBed.inject(ConsoleTitle).setPage('Runs');
    return TestBed.inject(AttentionStore);
  }
  const send = (event: Omit<GatewayEvent, 'timestamp'>) =>
    ws.receive({ type: 'event', ...event, timestamp } as Parameters<FakeWebSocket['receive']>[0]);
  const title = () => TestBed.inject(Title).getTitle();

  it('counts held calls in the tab title and raises a toast with Approve when one arrives', async () => {
    const store = start();
    await vi.waitFor(() => expect(gateway.http.last('GET /api/approvals/stats')).toBeDefined());
    expect(title()).toBe('Runs · Loop Gateway');

    pending.push(held);
    send({
      event: 'approval:required',
      payload: {
        approvalId: held.id,
        runId: held.runId,
        toolName: 'run_script',
        input: held.input,
        reason: 'run_script acts on the world (every call)',
        expiresAt: held.expiresAt,
      },
    });
    await vi.waitFor(() => expect(store.pendingApprovals()).toBe(1));
    expect(title()).toBe('(1) Runs · Loop Gateway');
    expect(store.toasts()).toEqual([
      expect.objectContaining({
        key: `approval:${held.id}`,
        title: 'Approval needed: run_script',
        detail: 'run_script acts on the world (every call)',
        approvalId: held.id,
        link: '/approvals',
      }),
    ]);

    gateway.http.on(`POST /api/approvals/${held.id}/approve`, () => {
      pending = [];
      return { status: 200, body: { ...held, status: 'approved', decidedBy: 'admin' } };
    });
    await store.decide(store.toasts()[0]!, 'approve');
    expect(gateway.http.last(`POST /api/approvals/${held.id}/approve`)?.body).toEqual({});
    expect(store.toasts()).toEqual([]);
    await vi.waitFor(() => expect(title()).toBe('Runs · Loop Gateway'));
  });

  it('drops the toast when the call is decided elsewhere, and keeps it with the reason when a decision fails', async () => {
    const store = start();
    pending.push(held);
    const required = {
      event: 'approval:required',
      payload: {
        approvalId: held.id,
        runId: held.runId,
        toolName: 'run_script',
        input: {},
        reason: 'held',
        expiresAt: held.expiresAt,
      },
    } as const;
    send(required);
    gateway.http.on(`POST /api/approvals/${held.id}/reject`, {
      status: 503,
      body: { statusCode: 503, message: 'The gateway is shutting down' },
    });
    await store.decide(store.toasts()[0]!, 'reject');
    expect(store.toasts()[0]?.error).toBe('The gateway is shutting down');

    pending = [];
    send({
      event: 'approval:resolved',
      payload: { approvalId: held.id, runId: held.runId, status: 'approved', decidedBy: 'ops' },
    });
    expect(store.toasts()).toEqual([]);
    await vi.waitFor(() => expect(store.pendingApprovals()).toBe(0));
  });

  it('raises a toast for a failed channel (gone once it connects) and for budget thresholds', () => {
    const store = start();
    const channel = { channelId: 'ch1', channelType: 'telegram', qr: null, retryAt: null } as const;
    send({ event: 'channel:status', payload: { ...channel, state: 'connecting', error: null } });
    expect(store.toasts()).toEqual([]);
    send({
      event: 'channel:status',
      payload: { ...channel, state: 'error', error: 'Telegram could not be reached: api.telegram.org did not resolve' },
    });
    expect(store.toasts()).toEqual([
      expect.objectContaining({
        kind: 'channel',
        title: 'Telegram channel failed',
        detail: 'Telegram could not be reached: api.telegram.org did not resolve',
        link: '/channels',
      }),
    ]);
    send({ event: 'channel:status', payload: { ...channel, state: 'connected', error: null } });
    expect(store.toasts()).toEqual([]);
    // Retrying: a warning that says so, refreshed (not repeated) by the next failed attempt.
    const unreachable = 'Telegram (api.telegram.org) could not be found (DNS lookup failed)';
    const retrying = { ...channel, state: 'retrying', error: unreachable } as const;
    send({ event: 'channel:status', payload: { ...retrying, retryAt: '2026-12-04T10:00:02.000Z' } });
    send({ event: 'channel:status', payload: { ...retrying, retryAt: '2026-12-04T10:00:06.000Z' } });
    expect(store.toasts()).toEqual([
      expect.objectContaining({
        tone: 'warning',
        title: 'Telegram channel cannot connect; retrying',
        detail: unreachable,
      }),
    ]);
    send({ event: 'channel:status', payload: { ...channel, state: 'connected', error: null } });
    expect(store.toasts()).toEqual([]);

    const budget = { groupId: 'g1', groupName: 'Support', period: 'day', budgetTokens: 10_000 } as const;
    send({ event: 'budget:threshold', payload: { ...budget, percent: 80, usedTokens: 8_200 } });
    expect(store.toasts().map((t) => [t.title, t.detail, t.tone])).toEqual([
      ['"Support" used 80 % of its daily budget', '8,200 of 10,000 tokens so far.', 'warning'],
    ]);
    send({ event: 'budget:threshold', payload: { ...budget, percent: 100, usedTokens: 10_300 } });
    // The same budget's toast is replaced, not stacked.
    expect(store.toasts().map((t) => [t.title, t.tone])).toEqual([['"Support" used up its daily budget', 'error']]);
  });
});
