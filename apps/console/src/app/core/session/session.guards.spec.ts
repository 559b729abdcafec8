import { TestBed } from '@angular/core/testing';
import { type ActivatedRouteSnapshot, type RouterStateSnapshot, UrlTree } from '@angular/router';
import { describe, expect, it } from 'vitest';
import { fakeGateway, loginResponse } from '../../../testing/fake-gateway';
import { requireGuest, requireSession, requireSetupPending } from './session.guards';
import { SESSION_STORAGE_KEY } from './session.store';

type Guard = typeof requireSession;

async function run(guard: Guard, state: { loggedIn: boolean; needsSetup: boolean }): Promise<string | true> {
  const gateway = fakeGateway();
  if (state.loggedIn) gateway.storage.setItem(SESSION_STORAGE_KEY, JSON.stringify(loginResponse()));
  gateway.http.on('GET /api/auth/status', { status: 200, body: { needsSetup: state.needsSetup } });
  TestBed.resetTestingModule();
  TestBed.configureTestingModule({ providers: gateway.providers });
  const result = await TestBed.runInInjectionContext(() =>
    guard({} as ActivatedRouteSnapshot, {} as RouterStateSnapshot),
  );
  if (result === true) return true;
  if (result instanceof UrlTree) return result.toString();
  throw new Error(`unexpected guard result ${String(result)}`);
}

describe('route guards', () => {
  it('first visit (no admin yet) goes to set-up', async () => {
    expect(await run(requireSession, { loggedIn: false, needsSetup: true })).toBe('/setup');
    expect(await run(requireGuest, { loggedIn: false, needsSetup: true })).toBe('/setup');
    expect(await run(requireSetupPending, { loggedIn: false, needsSetup: true })).toBe(true);
  });

  it('without a session (admin exists) goes to login', async () => {
    expect(await run(requireSession, { loggedIn: false, needsSetup: false })).toBe('/login');
    expect(await run(requireGuest, { loggedIn: false, needsSetup: false })).toBe(true);
    expect(await run(requireSetupPending, { loggedIn: false, needsSetup: false })).toBe('/login');
  });

  it('with a session goes to the console', async () => {
    expect(await run(requireSession, { loggedIn: true, needsSetup: false })).toBe(true);
    expect(await run(requireGuest, { loggedIn: true, needsSetup: false })).toBe('/');
    expect(await run(requireSetupPending, { loggedIn: true, needsSetup: false })).toBe('/');
  });
});
