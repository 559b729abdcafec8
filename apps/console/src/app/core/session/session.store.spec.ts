import { TestBed } from '@angular/core/testing';
import { Router } from '@angular/router';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { type FakeGateway, fakeGateway, loginResponse } from '../../../testing/fake-gateway';
import { SESSION_STORAGE_KEY, SessionStore } from './session.store';

describe('SessionStore', () => {
  let gateway: FakeGateway;

  beforeEach(() => {
    gateway = fakeGateway();
  });

  const create = () => {
    TestBed.configureTestingModule({ providers: gateway.providers });
    return TestBed.inject(SessionStore);
  };
  const storeSession = (session = loginResponse()) =>
    gateway.storage.setItem(SESSION_STORAGE_KEY, JSON.stringify(session));
  const stored = () => JSON.parse(gateway.storage.getItem(SESSION_STORAGE_KEY) ?? 'null') as { token: string } | null;

  it('logs in through POST /api/auth/login and keeps the session in localStorage (lg.session)', async () => {
    gateway.http.on('POST /api/auth/login', { status: 200, body: loginResponse({ token: 'abc' }) });
    const session = create();

    await expect(session.login({ username: 'admin', password: 'correct horse' })).resolves.toEqual({ ok: true });

    expect(gateway.http.last('POST /api/auth/login')?.body).toEqual({ username: 'admin', password: 'correct horse' });
    expect(session.isLoggedIn()).toBe(true);
    expect(session.token()).toBe('abc');
    expect(session.user()?.username).toBe('admin');
    expect(stored()?.token).toBe('abc');
  });

  it('returns the API message for a refused login and stays logged out', async () => {
    gateway.http.on('POST /api/auth/login', {
      status: 401,
      body: { statusCode: 401, message: 'Invalid username or password', error: 'Unauthorized' },
    });
    const session = create();

    await expect(session.login({ username: 'admin', password: 'nope' })).resolves.toEqual({
      ok: false,
      message: 'Invalid username or password',
    });
    expect(session.isLoggedIn()).toBe(false);
    expect(stored()).toBeNull();
  });

  it('passes on the 429 message and joins validation messages', async () => {
    gateway.http
      .on('POST /api/auth/login', {
        status: 429,
        body: { statusCode: 429, message: 'Too many failed logins; try again in 42 s' },
      })
      .on('POST /api/auth/setup', {
        status: 400,
        body: {
          statusCode: 400,
          message: ['username must be 3–64 letters', 'password must be at least 10 characters long'],
        },
      });
    const session = create();

    expect(await session.login({ username: 'admin', password: 'x' })).toEqual({
      ok: false,
      message: 'Too many failed logins; try again in 42 s',
    });
    const setup = await session.setup({ username: 'a', password: 'short' });
    expect(setup.ok).toBe(false);
    expect(!setup.ok && setup.message.split('\n')).toEqual([
      'username must be 3–64 letters',
      'password must be at least 10 characters long',
    ]);
  });

  it('says so when the gateway cannot be reached', async () => {
    gateway.http.on('POST /api/auth/login', new TypeError('fetch failed'));
    const session = create();
    const result = await session.login({ username: 'admin', password: 'x' });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toMatch(/cannot reach the gateway/i);
  });

  it('starts a session from set-up (the first admin is logged in)', async () => {
    gateway.http.on('POST /api/auth/setup', { status: 201, body: loginResponse({ token: 'first' }) });
    const session = create();
    expect(await session.setup({ username: 'admin', password: 'long enough password' })).toEqual({ ok: true });
    expect(session.token()).toBe('first');
  });

  it('restores a stored session after checking it with GET /api/auth/me', async () => {
    storeSession(loginResponse({ token: 'stored' }));
    gateway.http.on('GET /api/auth/me', { status: 200, body: { id: 'u1', username: 'admin', role: 'admin' } });
    const session = create();

    await session.restore();

    expect(gateway.http.last('GET /api/auth/me')?.headers.get('Authorization')).toBe('Bearer stored');
    expect(session.token()).toBe('stored');
  });

  it('drops a stored session the gateway refuses', async () => {
    storeSession();
    gateway.http.on('GET /api/auth/me', {
      status: 401,
      body: { statusCode: 401, message: 'Invalid or expired session token' },
    });
    const session = create();
    expect(session.isLoggedIn()).toBe(true);

    await session.restore();

    expect(session.isLoggedIn()).toBe(false);
    expect(stored()).toBeNull();
  });

  it('keeps a stored session when the gateway is unreachable', async () => {
    storeSession();
    gateway.http.on('GET /api/auth/me', new TypeError('fetch failed'));
    const session = create();
    await session.restore();
    expect(session.isLoggedIn()).toBe(true);
  });

  it('ignores a stored session past its expiry or unreadable', () => {
    storeSession(loginResponse({ expiresAt: new Date(Date.now() - 1000).toISOString() }));
    expect(create().isLoggedIn()).toBe(false);
    expect(stored()).toBeNull();

    TestBed.resetTestingModule();
    gateway.storage.setItem(SESSION_STORAGE_KEY, '{not json');
    expect(create().isLoggedIn()).toBe(false);
  });

  it('logs out: tells listeners, clears the token, revokes it on the gateway, shows the login page', async () => {
    storeSession(loginResponse({ token: 'bye' }));
    gateway.http.on('POST /api/auth/logout', { status: 204 });
    const session = create();
    const router = TestBed.inject(Router);
    await router.navigateByUrl('/overview');
    const ended = vi.fn();
    session.onEnd(ended);

    await session.logout();

    expect(ended).toHaveBeenCalledTimes(1);
    expect(gateway.http.last('POST /api/auth/logout')?.headers.get('Authorization')).toBe('Bearer bye');
    expect(session.isLoggedIn()).toBe(false);
    expect(stored()).toBeNull();
    expect(session.endReason()).toBe('logout');
    expect(router.url).toBe('/login');
  });

  it('expires: back to the login page with the reason, once', async () => {
    storeSession();
    const session = create();
    const router = TestBed.inject(Router);
    await router.navigateByUrl('/overview');
    const ended = vi.fn();
    session.onEnd(ended);

    session.expire();
    session.expire();
    await vi.waitFor(() => expect(router.url).toBe('/login'));

    expect(ended).toHaveBeenCalledTimes(1);
    expect(session.endReason()).toBe('expired');
    expect(stored()).toBeNull();
  });

  it('asks GET /api/auth/status whether set-up is needed', async () => {
    gateway.http.on('GET /api/auth/status', { status: 200, body: { needsSetup: true } });
    expect(await create().needsSetup()).toBe(true);
  });
});
