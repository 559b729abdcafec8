import { TestBed } from '@angular/core/testing';
import { Router } from '@angular/router';
import type { GatewayEvent } from '@loop-gateway/contracts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type FakeGateway, FakeWebSocket, fakeGateway, loginResponse } from '../../../testing/fake-gateway';
import { SESSION_STORAGE_KEY, SessionStore } from '../session/session.store';
import { GATEWAY_SOCKET_URL, GatewaySocket } from './gateway-socket';

describe('GatewaySocket', () => {
  let gateway: FakeGateway;
  let socket: GatewaySocket;
  let session: SessionStore;

  beforeEach(async () => {
    gateway = fakeGateway();
    gateway.storage.setItem(SESSION_STORAGE_KEY, JSON.stringify(loginResponse({ token: 'tok' })));
    TestBed.configureTestingModule({
      providers: [...gateway.providers, { provide: GATEWAY_SOCKET_URL, useValue: 'ws://gateway.test/ws' }],
    });
    socket = TestBed.inject(GatewaySocket);
    session = TestBed.inject(SessionStore);
    await TestBed.inject(Router).navigateByUrl('/overview');
    vi.useFakeTimers();
  });

  afterEach(() => {
    socket.disconnect();
    vi.useRealTimers();
  });

  /** Opens the latest fake socket and lets the gateway accept the token. */
  const accept = (ws = FakeWebSocket.latest()) => {
    ws.open();
    ws.receive({ type: 'ready', userId: 'u1' });
    return ws;
  };

  it('authenticates in the first message, never in the URL, and is connected once ready', () => {
    socket.connect('tok');
    const ws = FakeWebSocket.latest();

    expect(ws.url).toBe('ws://gateway.test/ws');
    expect(socket.state()).toBe('connecting');
    ws.open();
    expect(ws.sent).toEqual([{ type: 'auth', token: 'tok' }]);
    expect(socket.state()).toBe('connecting');
    ws.receive({ type: 'ready', userId: 'u1' });
    expect(socket.state()).toBe('connected');
  });

  it('publishes catalog events and ignores unknown ones', () => {
    const received: GatewayEvent[] = [];
    socket.events.subscribe((event) => received.push(event));
    socket.connect('tok');
    const ws = accept();

    ws.receive({
      type: 'event',
      event: 'auth:login',
      payload: { userId: 'u1', username: 'admin', ip: '127.0.0.1' },
      timestamp: '2026-01-01T12:00:00.000Z',
    });
    ws.onmessage?.(
      new MessageEvent('message', { data: JSON.stringify({ type: 'event', event: 'nope', payload: {} }) }),
    );
    ws.onmessage?.(new MessageEvent('message', { data: 'not json' }));

    expect(received).toEqual([
      {
        event: 'auth:login',
        payload: { userId: 'u1', username: 'admin', ip: '127.0.0.1' },
        timestamp: '2026-01-01T12:00:00.000Z',
      },
    ]);
  });

  it('reconnects by itself with backoff doubling from 0.5 s up to 10 s', () => {
    socket.connect('tok');
    accept().drop();
    expect(socket.state()).toBe('offline');

    const delays: number[] = [];
    for (let attempt = 0; attempt < 7; attempt++) {
      const before = FakeWebSocket.instances.length;
      const delay = socket.nextRetryMs();
      expect(delay).not.toBeNull();
      delays.push(delay ?? 0);
      vi.advanceTimersByTime((delay ?? 0) - 1);
      expect(FakeWebSocket.instances.length).toBe(before); // not yet
      vi.advanceTimersByTime(1);
      expect(FakeWebSocket.instances.length).toBe(before + 1);
      expect(socket.state()).toBe('connecting');
      FakeWebSocket.latest().drop(); // the gateway is still down
    }

    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
  });

  it('starts over at 0.5 s once a reconnect succeeded, and authenticates again', () => {
    socket.connect('tok');
    accept().drop();
    vi.advanceTimersByTime(500);
    FakeWebSocket.latest().drop();
    vi.advanceTimersByTime(1000);
    const ws = accept();
    expect(ws.sent).toEqual([
      { type: 'auth', token: 'tok' },
      { type: 'subscribe', runs: [] },
    ]);
    expect(socket.state()).toBe('connected');

    ws.drop();
    expect(socket.nextRetryMs()).toBe(500);
  });

  it('on close code 4401 ends the session, goes to the login page and does not reconnect', async () => {
    const router = TestBed.inject(Router);
    socket.connect('tok');
    accept().drop(4401);

    expect(socket.state()).toBe('offline');
    expect(session.isLoggedIn()).toBe(false);
    expect(session.endReason()).toBe('expired');
    expect(gateway.storage.getItem(SESSION_STORAGE_KEY)).toBeNull();
    const opened = FakeWebSocket.instances.length;
    vi.advanceTimersByTime(60_000);
    expect(FakeWebSocket.instances.length).toBe(opened);
    vi.useRealTimers();
    await vi.waitFor(() => expect(router.url).toBe('/login'));
  });

  it('disconnect() closes the socket and stops reconnecting', () => {
    socket.connect('tok');
    const ws = accept();
    socket.disconnect();

    expect(ws.closedWith).toEqual({ code: 1000, reason: 'Closed by the console' });
    expect(socket.state()).toBe('offline');
    ws.drop(1000); // a late close event from the old socket changes nothing
    vi.advanceTimersByTime(60_000);
    expect(FakeWebSocket.instances).toHaveLength(1);
  });

  it('closes when the session ends (logout elsewhere in the console)', () => {
    socket.connect('tok');
    const ws = accept();
    session.expire();
    expect(ws.closedWith?.code).toBe(1000);
    vi.advanceTimersByTime(60_000);
    expect(FakeWebSocket.instances).toHaveLength(1);
  });

  it('pings while connected and treats a missing pong as a dropped connection', () => {
    socket.connect('tok');
    const ws = accept();

    vi.advanceTimersByTime(25_000);
    expect(ws.sent.at(-1)).toEqual({ type: 'ping' });
    ws.receive({ type: 'pong' });
    vi.advanceTimersByTime(25_000);
    expect(ws.sent.filter((m) => (m as { type: string }).type === 'ping')).toHaveLength(2);

    vi.advanceTimersByTime(10_000); // no pong this time
    expect(ws.closedWith?.code).toBe(4000);
    expect(socket.state()).toBe('offline');
    vi.advanceTimersByTime(500);
    expect(FakeWebSocket.instances).toHaveLength(2);
  });

  it('subscribes to every event but run text, and to the text of watched runs while they are watched', () => {
    socket.connect('tok');
    const ws = accept();
    expect(ws.sent.at(-1)).toEqual({ type: 'subscribe', runs: [] });

    const stopWatching = socket.watchText('run-1');
    const stopAll = socket.watchText('*');
    expect(ws.sent.at(-1)).toEqual({ type: 'subscribe', runs: ['run-1', '*'] });
    const again = socket.watchText('run-1');
    stopAll();
    stopAll();
    expect(ws.sent.at(-1)).toEqual({ type: 'subscribe', runs: ['run-1'] });
    stopWatching();
    expect(ws.sent.at(-1)).toEqual({ type: 'subscribe', runs: ['run-1'] });

    // After a reconnect the subscription is sent again.
    ws.drop();
    vi.advanceTimersByTime(500);
    const next = accept();
    expect(next.sent).toEqual([
      { type: 'auth', token: 'tok' },
      { type: 'subscribe', runs: ['run-1'] },
    ]);
    again();
    expect(next.sent.at(-1)).toEqual({ type: 'subscribe', runs: [] });
  });

  it('connect() with the same token while connected keeps the connection', () => {
    socket.connect('tok');
    accept();
    socket.connect('tok');
    expect(FakeWebSocket.instances).toHaveLength(1);
  });
});
