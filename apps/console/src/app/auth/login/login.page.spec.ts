import { TestBed } from '@angular/core/testing';
import { Router } from '@angular/router';
import { beforeEach, describe, expect, it } from 'vitest';
import { type FakeGateway, fakeGateway, loginResponse } from '../../../testing/fake-gateway';
import { SessionStore } from '../../core/session/session.store';
import { LoginPage } from './login.page';

describe('LoginPage', () => {
  let gateway: FakeGateway;

  beforeEach(async () => {
    gateway = fakeGateway();
    TestBed.configureTestingModule({ providers: gateway.providers });
    await TestBed.inject(Router).navigateByUrl('/login');
  });

  async function submit(username: string, password: string) {
    const fixture = TestBed.createComponent(LoginPage);
    await fixture.whenStable();
    const root = fixture.nativeElement as HTMLElement;
    const [user, pass] = Array.from(root.querySelectorAll('input'));
    user!.value = username;
    user!.dispatchEvent(new Event('input'));
    pass!.value = password;
    pass!.dispatchEvent(new Event('input'));
    root.querySelector<HTMLButtonElement>('button[type=submit]')!.click();
    await fixture.whenStable();
    return root;
  }

  const errorText = (root: HTMLElement) => root.querySelector('[data-testid=form-error]')?.textContent?.trim();

  it('logs in and opens the console', async () => {
    gateway.http.on('POST /api/auth/login', { status: 200, body: loginResponse() });
    const root = await submit('admin', 'correct horse');

    expect(gateway.http.last('POST /api/auth/login')?.body).toEqual({ username: 'admin', password: 'correct horse' });
    expect(TestBed.inject(SessionStore).isLoggedIn()).toBe(true);
    expect(TestBed.inject(Router).url).toBe('/');
    expect(errorText(root)).toBeUndefined();
  });

  it('shows "Invalid username or password" from a 401', async () => {
    gateway.http.on('POST /api/auth/login', {
      status: 401,
      body: { statusCode: 401, message: 'Invalid username or password' },
    });
    const root = await submit('admin', 'wrong');
    expect(errorText(root)).toBe('Invalid username or password');
    expect(TestBed.inject(Router).url).toBe('/login');
  });

  it('shows the rate-limit message from a 429', async () => {
    gateway.http.on('POST /api/auth/login', {
      status: 429,
      body: { statusCode: 429, message: 'Too many failed logins; try again in 840 s' },
    });
    const root = await submit('admin', 'wrong');
    expect(errorText(root)).toBe('Too many failed logins; try again in 840 s');
  });

  it('does not call the API with an empty form', async () => {
    const root = await submit('', '');
    expect(gateway.http.requests).toEqual([]);
    expect(root.textContent).toContain('Enter your username');
  });
});
