import { TestBed } from '@angular/core/testing';
import type { GatewayEvent } from '@loop-gateway/contracts';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { type FakeGateway, FakeWebSocket, fakeGateway, loginResponse } from '../../testing/fake-gateway';
import { GatewaySocket } from '../core/realtime/gateway-socket';
import { SESSION_STORAGE_KEY, SessionStore } from '../core/session/session.store';
import { ACTIVITY_FEED_LIMIT, ActivityFeedStore } from './activity-feed.store';

const login = (n: number): GatewayEvent => ({
  event: 'auth:login',
  payload: { userId: 'u1', username: `user${n}`, ip: '10.0.0.1' },
  timestamp: new Date(Date.UTC(2026, 0, 1, 12, 0, n)).toISOString(),
});

describe('ActivityFeedStore', () => {
  let gateway: FakeGateway;

  beforeEach(() => {
    gateway = fakeGateway();
    gateway.storage.setItem(SESSION_STORAGE_KEY, JSON.stringify(loginResponse()));
    TestBed.configureTestingModule({
      providers: [...gateway.providers, { provide: ACTIVITY_FEED_LIMIT, useValue: 3 }],
    });
  });

  it('lists events newest first with their summary and catalog description', () => {
    const feed = TestBed.inject(ActivityFeedStore);
    feed.add(login(1));
    feed.add({ event: 'auth:logout', payload: { userId: 'u1', username: 'user1' }, timestamp: login(2).timestamp });
    feed.add({ event: 'agent:run:text', payload: { runId: 'r1', delta: 'streamed' }, timestamp: login(3).timestamp });

    expect(feed.entries().map((e) => [e.event, e.summary])).toEqual([
      ['auth:logout', 'user1 logged out'],
      ['auth:login', 'user1 logged in from 10.0.0.1'],
    ]);
    expect(feed.entries()[1]).toMatchObject({
      timestamp: '2026-01-01T12:00:01.000Z',
      description: 'An operator logged in to the console or API.',
    });
    expect(feed.latest()?.event).toBe('auth:logout');
  });

  it('starts from the events the gateway kept, merged with live ones, each once', async () => {
    // The gateway's history, newest first, as GET /api/activity returns it.
    gateway.http.on('GET /api/activity', { status: 200, body: [login(2), login(1)] });
    const feed = TestBed.inject(ActivityFeedStore);
    // Live, while the history is on its way: one new event and one the history also holds.
    feed.add(login(4));
    feed.add(login(2));
    await vi.waitFor(() => expect(feed.entries()).toHaveLength(3));

    expect(feed.entries().map((e) => e.summary)).toEqual([
      'user4 logged in from 10.0.0.1',
      'user2 logged in from 10.0.0.1',
      'user1 logged in from 10.0.0.1',
    ]);
    expect(gateway.http.last('GET /api/activity')?.query.get('limit')).toBe('3');
  });

  it('keeps at most the configured number of entries, dropping the oldest', () => {
    const feed = TestBed.inject(ActivityFeedStore);
    for (let n = 1; n <= 5; n++) feed.add(login(n));

    expect(feed.entries().map((e) => e.summary)).toEqual([
      'user5 logged in from 10.0.0.1',
      'user4 logged in from 10.0.0.1',
      'user3 logged in from 10.0.0.1',
    ]);
    expect(new Set(feed.entries().map((e) => e.id)).size).toBe(3);
  });

  it('is fed by the live socket', () => {
    const feed = TestBed.inject(ActivityFeedStore);
    TestBed.inject(GatewaySocket).connect('token-1');
    const ws = FakeWebSocket.latest();
    ws.open();
    ws.receive({ type: 'ready', userId: 'u1' });
    ws.receive({ type: 'event', ...login(7) });

    expect(feed.entries().map((e) => e.summary)).toEqual(['user7 logged in from 10.0.0.1']);
  });

  it('is emptied when the session ends', () => {
    const feed = TestBed.inject(ActivityFeedStore);
    feed.add(login(1));
    TestBed.inject(SessionStore).expire();
    expect(feed.entries()).toEqual([]);
  });
});
