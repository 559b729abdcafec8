import { ApplicationInitStatus } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Router } from '@angular/router';
import { getHealth, login, me } from '@loop-gateway/api-client';
import { describe, expect, it } from 'vitest';
import { fakeGateway, loginResponse } from '../../../testing/fake-gateway';
import { SESSION_STORAGE_KEY, SessionStore } from '../session/session.store';
import { API_CLIENT, provideApiClient } from './api-client';

describe('provideApiClient', () => {
  async function setup(token: string | null) {
    const gateway = fakeGateway();
    if (token) gateway.storage.setItem(SESSION_STORAGE_KEY, JSON.stringify(loginResponse({ token })));
    TestBed.configureTestingModule({ providers: [...gateway.providers, provideApiClient()] });
    await TestBed.inject(ApplicationInitStatus).donePromise;
    await TestBed.inject(Router).navigateByUrl('/overview');
    return { gateway, client: TestBed.inject(API_CLIENT), session: TestBed.inject(SessionStore) };
  }

  it('sends the session token as bearer on secured calls only', async () => {
    const { gateway, client } = await setup('tok');
    gateway.http
      .on('GET /api/auth/me', { status: 200, body: { id: 'u1', username: 'admin', role: 'admin' } })
      .on('GET /api/health', {
        status: 200,
        body: { status: 'ok', version: '1', uptimeSeconds: 1, database: 'sqlite' },
      });

    await me({ client });
    await getHealth({ client });

    expect(gateway.http.last('GET /api/auth/me')?.headers.get('Authorization')).toBe('Bearer tok');
    expect(gateway.http.last('GET /api/health')?.headers.get('Authorization')).toBeNull();
  });

  it('ends the session when an authenticated call gets 401', async () => {
    const { gateway, client, session } = await setup('revoked');
    gateway.http.on('GET /api/auth/me', {
      status: 401,
      body: { statusCode: 401, message: 'Invalid or expired session token' },
    });

    await me({ client });

    expect(session.isLoggedIn()).toBe(false);
    expect(session.endReason()).toBe('expired');
    await expect.poll(() => TestBed.inject(Router).url).toBe('/login');
  });

  it('does not treat a failed login (401 without a token) as an expired session', async () => {
    const { gateway, client, session } = await setup(null);
    gateway.http.on('POST /api/auth/login', {
      status: 401,
      body: { statusCode: 401, message: 'Invalid username or password' },
    });

    const { error } = await login({ client, body: { username: 'admin', password: 'wrong' } });

    expect(error).toMatchObject({ message: 'Invalid username or password' });
    expect(session.endReason()).toBeNull();
  });
});
